"""Stored documents are typed and versioned: a document today's Tandem wrote before versions existed still
reads (and upgrades by gaining its version), a malformed one is a typed error that never shows its content,
and a rewrite keeps envelope fields it does not own."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.due import DueState
from bot.domain.people import Person
from bot.storage import kinds
from bot.storage.documents import PAIRS, PEOPLE, PROGRAMMES, StorageError
from bot.storage.repositories import PairRepository, PeopleRepository, ProgrammeRepository
from bot.storage.surveys import SurveyRepository
from bot.storage.schema import SCHEMA, DocumentCorrupt

# Literal documents of each kind exactly as the hand-written to_doc (and the repositories' "type") wrote
# them before schema versions existed: tests/fixtures/v1_documents.json.
V1 = json.loads((Path(__file__).parent.parent / "fixtures" / "v1_documents.json").read_text())
KIND_OF = {
    "person": kinds.PERSON, "programme": kinds.PROGRAMME, "pair": kinds.PAIR, "contract": kinds.CONTRACT,
    "schedule": kinds.SCHEDULE, "reflection": kinds.REFLECTION, "alert": kinds.ALERT, "pairSummary": kinds.PAIR_SUMMARY,
    "audit": kinds.AUDIT_ENTRY, "concern": kinds.CONCERN, "participant": kinds.PARTICIPANT,
    "surveyResponse": kinds.SURVEY_RESPONSE, "pairDebrief": kinds.PAIR_DEBRIEF,
}
SURVEY_DOCUMENT = "survey"  # the programme's survey document: the tally, its questions and the managers' decision
DROPPED_BY_UPGRADE = {"version", "ttl"}  # the summary's own old version number; the TTL is the store's
ADDED_SINCE = {"person": {"droppedNotices": 0}, "schedule": {"movedOut": 0}, "participant": {"jobTitle": "", "availability": ""},
               "programme": {"guests": False}}  # added since version 1, read as defaults


def _same_values(value: Any) -> Any:
    """Compare stored values as what they mean: an instant written "+00:00" or "Z" is the same instant,
    a set of roles stored in any order is the same set, and an empty optional field written out is the same
    as one left out (the hand-written to_doc left out a session's empty calendar and cards)."""
    if isinstance(value, dict):
        return {k: _same_values(v) for k, v in value.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return sorted((_same_values(v) for v in value), key=repr) if all(isinstance(v, str) for v in value) else [_same_values(v) for v in value]
    if isinstance(value, str) and len(value) > 18 and value[4:5] == "-" and "T" in value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def test_every_kind_has_a_literal_version_1_document():
    assert set(V1) == set(KIND_OF) | {SURVEY_DOCUMENT} and all(SCHEMA not in doc for doc in V1.values())


@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_a_version_1_document_reads_and_keeps_every_field_when_written_again(name):
    kind, old = KIND_OF[name], V1[name]
    record = kind.load(old, "v1")
    written = kind.dump(record)
    assert written[SCHEMA] == 2 and written["type"] == name
    kept = {**{k: v for k, v in old.items() if k not in DROPPED_BY_UPGRADE}, **ADDED_SINCE.get(name, {})}
    assert _same_values({k: v for k, v in written.items() if k != SCHEMA}) == _same_values(kept)
    assert kind.load(written) == record


def test_version_1_values_come_back_as_the_domain_types():
    person = kinds.PERSON.load(V1["person"])
    assert person.memberships[0].role.value == "mentor" and person.raised["help"][0].tzinfo is not None
    contract = kinds.CONTRACT.load(V1["contract"])
    assert contract.in_force.number == 1 and contract.pending.clauses.meeting_minutes == 45
    assert {r.value for r in contract.in_force.confirmed_by} == {"mentor", "mentee"}
    alert = kinds.ALERT.load(V1["alert"])
    assert alert.kind.name == "HELP" and kinds.ALERT.dump(alert)["kind"] == "HELP"  # stored by name, as before
    assert kinds.CONCERN.dump(kinds.CONCERN.load(V1["concern"]))["state"] == "SENT"
    response = kinds.SURVEY_RESPONSE.load(V1["surveyResponse"])
    assert [(a.person_id, a.question_id, a.share_text) for a in response.answers] == [("t1:o2", "q1", False), ("t1:o2", "q2", True)]
    assert kinds.PAIR_DEBRIEF.dump(kinds.PAIR_DEBRIEF.load(V1["pairDebrief"]))["nextStep"] == V1["pairDebrief"]["nextStep"]


async def test_the_version_1_survey_document_reads_and_keeps_its_parts_when_the_tally_changes(store):
    await store.create(PROGRAMMES, "prog1", "survey", V1[SURVEY_DOCUMENT])
    surveys = SurveyRepository(store)
    tally, questions, decision = await surveys.for_report("prog1")
    assert tally.entries["baseline.abc123"]["scores"] == {"q1": 4.0} and questions[0].text == "Did you feel heard?"
    assert decision is not None and decision.decision.name == "SCALE_UP" and decision.next_steps == {"continue": 3}
    await surveys.change_tally("prog1", lambda t: (t, None))
    body = (await store.read(PROGRAMMES, "prog1", "survey")).body
    assert body[SCHEMA] == 2 and _same_values({k: v for k, v in body.items() if k != SCHEMA}) == _same_values(V1[SURVEY_DOCUMENT])


def test_an_older_document_missing_later_fields_reads_with_their_defaults():
    minimal = {"id": "t1:o9", "tenantId": "t1", "aadObjectId": "o9", "name": "Early", "type": "person"}
    assert kinds.PERSON.load(minimal) == Person("t1:o9", "t1", "o9", "Early")


def test_a_malformed_document_is_a_storage_error_that_names_fields_not_content(caplog):
    broken = {**V1["reflection"], "rating": "SECRET-not-a-number", "sessionStartsAt": "SECRET-when"}
    with caplog.at_level(logging.WARNING), pytest.raises(DocumentCorrupt) as raised:
        kinds.REFLECTION.load(broken, "r1")
    assert isinstance(raised.value, StorageError)
    assert "rating" in str(raised.value) and "sessionStartsAt" in str(raised.value)
    assert "SECRET" not in str(raised.value) and "SECRET" not in caplog.text and "exam prep" not in caplog.text
    assert "rating" in caplog.text


def test_a_document_from_a_newer_tandem_is_refused_rather_than_misread():
    with pytest.raises(DocumentCorrupt, match="unknown schema version"):
        kinds.PAIR.load({**V1["pair"], SCHEMA: 99})
    with pytest.raises(DocumentCorrupt):
        kinds.PAIR.load(["not", "a", "document"])  # type: ignore[arg-type]


async def test_repositories_read_version_1_documents_and_upgrade_them_on_the_next_write(store):
    await store.create(PEOPLE, "t1:o1", "t1:o1", V1["person"])
    await store.create(PROGRAMMES, "prog1", "prog1", V1["programme"])
    await store.create(PAIRS, "pair1", "contract", V1["contract"])
    people, pairs = PeopleRepository(store), PairRepository(store)
    person = await people.get("t1:o1")
    assert person.name == "Sam Mentor" and person.pending_notices == ("Your partner booked a session.",)
    assert (await ProgrammeRepository(store).get("prog1")).retention_months == 6
    assert (await pairs.contract("pair1")).in_force.number == 1
    await people.change("t1:o1", lambda p: p)
    upgraded = (await store.read(PEOPLE, "t1:o1", "t1:o1")).body
    assert upgraded[SCHEMA] == 2 and kinds.PERSON.load(upgraded) == person


async def test_a_rewrite_keeps_envelope_fields_it_does_not_own(store):
    await store.create(PEOPLE, "t1:o1", "t1:o1", {**kinds.PERSON.dump(kinds.PERSON.load(V1["person"])),
                                                  "outbox": [{"recipient": "t1:o2", "key": "k1", "text": "hi"}],
                                                  "addedByANewerTool": {"note": "kept"}})
    await PeopleRepository(store).change("t1:o1", lambda p: p)
    body = (await store.read(PEOPLE, "t1:o1", "t1:o1")).body
    assert body["outbox"] == [{"recipient": "t1:o2", "key": "k1", "text": "hi"}] and body["addedByANewerTool"] == {"note": "kept"}


async def test_a_malformed_stored_document_reaches_the_caller_as_a_storage_error(store):
    await store.create(PAIRS, "pair1", "pair", {**V1["pair"], "status": 12})
    with pytest.raises(DocumentCorrupt):
        await PairRepository(store).get("pair1")


def test_a_due_item_written_by_the_hand_written_code_reads_and_writes_back_the_same_fields():
    old = {"kind": "outbox", "dueAt": "2027-01-14T09:00:00+00:00", "pairId": "t1:o1", "sessionId": "contract.p1.1.proposed",
           "state": "pending", "detail": "", "leaseUntil": None, "owner": "", "attempts": 2,
           "retryAt": "2027-01-14T09:04:00+00:00", "sentTo": [], "message": {"text": "Hello", "card": None},
           "open": True, "type": "due"}
    item = kinds.DUE_ITEM.load(old, "v1")
    assert item.attempts == 2 and item.retry_at.tzinfo is not None and item.message == {"text": "Hello", "card": None}
    written = kinds.DUE_ITEM.dump(item)
    assert written[SCHEMA] == 2 and _same_values({k: v for k, v in written.items() if k != SCHEMA}) == _same_values(old)
    finished = kinds.DUE_ITEM.dump(replace(item, state=DueState.DONE))
    assert finished["open"] is False and "onlyTo" not in finished  # what the sweep's query and the id rely on


def test_where_a_delivery_is_kept_travels_with_a_waiting_message_and_its_outbox_item_and_older_ones_still_load():
    from bot.domain.due import outbox_item
    from bot.domain.outbox import Keep, KeepKind, Outgoing

    keep = Keep.session("p1", "s1")
    told = Outgoing("t1:o1", "session.p1.s1.confirmed", "Booked", {"type": "AdaptiveCard"}, keep=keep)
    assert kinds.OUTGOING.plain(told)["keep"] == {"kind": "session", "partition": "p1", "id": "s1"}
    assert kinds.OUTGOING.load(kinds.OUTGOING.plain(told)) == told
    assert kinds.OUTGOING.load({"recipient": "t1:o1", "key": "k", "text": "Hi"}).keep is None  # written before keeps
    item = outbox_item("t1:o1", told.key, told.text, told.card, datetime.fromisoformat("2027-01-14T09:00:00+00:00"), keep)
    written = kinds.DUE_ITEM.dump(item.fresh())
    assert written["keep"] == {"kind": "session", "partition": "p1", "id": "s1"}
    assert kinds.DUE_ITEM.load(written, item.id).keep == Keep(KeepKind.SESSION, "p1", "s1")
    assert "keep" not in kinds.DUE_ITEM.dump(replace(item, keep=None))  # an item without one stores as before
