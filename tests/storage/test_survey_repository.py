"""The survey repository on every engine: one response per person per wave, the programme's survey document
(tally, own questions, decision) changed without losing a concurrent answer, and pairs' closing summaries."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from bot.domain.debrief import NextStep, PairDebrief, ProgrammeDecision
from bot.domain.errors import InvalidState
from bot.domain.surveys import MAX_CUSTOM_QUESTIONS, SurveyResponse, Wave, answer, custom_question, survey_questions
from bot.storage.surveys import SurveyRepository

NOW = datetime(2027, 1, 11, 10, 0, tzinfo=timezone.utc)
USEFUL = survey_questions()[2]


def response(person: str, score: str, wave: Wave = Wave.BASELINE) -> SurveyResponse:
    return SurveyResponse("prog", "pair-1", person, wave, (answer(USEFUL, person, "pair-1", wave, score),), NOW)


async def test_answering_again_replaces_the_first_response(store):
    repo = SurveyRepository(store)
    await repo.save_response(response("t:adele", "2"))
    await repo.save_response(response("t:adele", "5"))
    await repo.save_response(response("t:adele", "3", Wave.END))
    got = await repo.response("prog", Wave.BASELINE, "t:adele")
    assert got is not None and got.answers[0].score == 5
    assert [r.wave for r in await repo.responses_by("prog", "t:adele")] == [Wave.BASELINE, Wave.END]
    assert await repo.response("prog", Wave.BASELINE, "t:megan") is None


async def test_concurrent_answers_all_reach_the_tally_and_it_names_nobody(store):
    repo = SurveyRepository(store)
    people = [f"t:person-{n}" for n in range(12)]
    for p in people:
        await repo.change_tally("prog", lambda t, p=p: (t.with_invite(Wave.BASELINE, p, NOW), None))
    await asyncio.gather(*(repo.change_tally("prog", lambda t, p=p: (t.with_response(response(p, "4")), None)) for p in people))
    tally = await repo.tally("prog")
    assert all(tally.answered(Wave.BASELINE, p) and tally.sent_at(Wave.BASELINE, p) == NOW for p in people)
    raw = (await store.read("programmes", "prog", "survey")).body
    assert not any(p in repr(raw) for p in people)


async def test_own_questions_and_the_decision_share_the_survey_document_without_overwriting_the_tally(store):
    repo = SurveyRepository(store)
    await repo.change_tally("prog", lambda t: (t.with_invite(Wave.END, "t:adele", NOW), None))
    for n in range(MAX_CUSTOM_QUESTIONS):
        await repo.add_question("prog", lambda number, n=n: custom_question(number, f"Question {n}?"))
    with pytest.raises(InvalidState):
        await repo.add_question("prog", lambda number: custom_question(number, "One too many?"))
    await repo.save_decision(ProgrammeDecision.of("prog", "scale up", "It worked", "t:manager", NOW, {"secondment": 3}))
    tally, questions, decision = await repo.for_report("prog")
    assert tally.sent_at(Wave.END, "t:adele") == NOW
    assert [q.id for q in questions] == [f"own-{n}" for n in range(1, MAX_CUSTOM_QUESTIONS + 1)]
    assert decision is not None and decision.reasons == "It worked" and decision.next_steps == {"secondment": 3}
    assert await repo.questions("other") == () and await repo.decision("other") is None


async def test_a_pairs_closing_summaries_are_kept_in_the_pairs_own_partition(store):
    repo = SurveyRepository(store)
    await repo.save_pair_debrief(PairDebrief.of("pair-1", "t:adele", "We built trust", "secondment", NOW))
    await repo.save_pair_debrief(PairDebrief.of("pair-1", "t:adele", "We built trust", "nothing more", NOW))
    await repo.save_pair_debrief(PairDebrief.of("pair-2", "t:megan", "", "introduce to others", NOW))
    got = await repo.pair_debriefs("pair-1")
    assert [(d.person_id, d.next_step) for d in got] == [("t:adele", NextStep.NOTHING)]
    assert [d.body["type"] for d in await store.query("pairs", "pair-1")] == ["pairDebrief"]


async def test_erasing_a_person_removes_their_responses_tally_entry_and_closing_summary_only(store):
    repo = SurveyRepository(store)
    for who in ("t:adele", "t:megan"):
        await repo.save_response(response(who, "4"))
        await repo.change_tally("prog", lambda t, w=who: (t.with_invite(Wave.BASELINE, w, NOW).with_response(response(w, "4")), None))
        await repo.save_pair_debrief(PairDebrief.of("pair-1", who, "Trust", "secondment", NOW))
    assert await repo.erase_person("prog", "pair-1", "t:adele") == 1
    assert await repo.erase_person("prog", "pair-1", "t:adele") == 0  # again: nothing more
    tally = await repo.tally("prog")
    assert not tally.answered(Wave.BASELINE, "t:adele") and tally.answered(Wave.BASELINE, "t:megan")
    assert tally.sent_at(Wave.BASELINE, "t:adele") == NOW
    assert await repo.response("prog", Wave.BASELINE, "t:adele") is None and await repo.response("prog", Wave.BASELINE, "t:megan")
    assert [d.person_id for d in await repo.pair_debriefs("pair-1")] == ["t:megan"]
