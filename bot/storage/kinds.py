"""Every kind of document Tandem stores, with its schema version and upgrades (bot/storage/schema.py).

Version 1 is what the hand-written to_doc wrote (no `schema` field); version 2 is the same fields read and
written through typed models, so its upgrade only adds the version. A later change to a kind's fields adds
version 3 here with the step that turns a version 2 body into it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Callable

from bot.domain.alerts import Alert, AlertKind
from bot.domain.audit import AuditEntry
from bot.domain.concerns import Concern, ConcernState
from bot.domain.contracts import Clauses, Contract, ContractVersion
from bot.domain.debrief import Decision, NextStep, PairDebrief, ProgrammeDecision
from bot.domain.due import DueItem, DueState
from bot.domain.enrolment import Participant, email_key
from bot.domain.natural_time import Understood
from bot.domain.outbox import Outgoing
from bot.domain.people import Person
from bot.domain.programmes import Pair, Programme
from bot.domain.reflections import Reflection
from bot.domain.report import PairSummary
from bot.domain.sessions import Schedule, Session
from bot.domain.surveys import Question, SurveyResponse, SurveyTally
from bot.storage.schema import DialogStateCorrupt, Kind, Nested


def _by_name(field: str, enum: type[Enum]) -> tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]]]:
    """Read and write hooks for an enum stored by its member's name rather than its value."""
    def read(body: dict[str, Any]) -> dict[str, Any]:
        stored = body.get(field)
        return {**body, field: enum[stored].value} if isinstance(stored, str) and stored in enum.__members__ else body

    def write(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, field: enum(body[field]).name}

    return read, write


_alert_read, _alert_write = _by_name("kind", AlertKind)
_concern_read, _concern_write = _by_name("state", ConcernState)
_next_step_read, _next_step_write = _by_name("nextStep", NextStep)
_decision_read, _decision_write = _by_name("decision", Decision)


def _response_read(body: dict[str, Any]) -> dict[str, Any]:
    """A response stores each answer without the person, pair and wave it shares with the response."""
    shared = {"personId": body.get("personId"), "pairId": body.get("pairId"), "wave": body.get("wave")}
    answers = [{**shared, "questionId": a.get("question"), "score": a.get("score"), "text": a.get("text", ""),
                "shareText": bool(a.get("share"))} if isinstance(a, dict) else a for a in body.get("answers", [])]
    return {**body, "answers": answers}


def _response_write(body: dict[str, Any]) -> dict[str, Any]:
    answers = [{"question": a["questionId"], "score": a["score"], "text": a["text"], "share": a["shareText"]}
               for a in body["answers"]]
    return {**body, "answers": answers}


def _tally_read(body: dict[str, Any]) -> dict[str, Any]:
    return {"invited": body.get("invited") or {}, "entries": body.get("entries") or {}}

def _due_write(body: dict[str, Any]) -> dict[str, Any]:
    """A due item says whether it is still to do (one query per partition finds those), and leaves out what
    only some items have (a message, where its delivery is kept, recipients it was postponed for) when it has none."""
    trimmed = {k: v for k, v in body.items() if not (k == "onlyTo" and not v) and not (k in ("message", "keep") and v is None)}
    return {**trimmed, "open": not DueState(body["state"]).finished}


PERSON = Kind("person", Person)
PROGRAMME = Kind("programme", Programme)
PAIR = Kind("pair", Pair)
CONTRACT = Kind("contract", Contract)
CONTRACT_VERSION = Kind("contractVersion", ContractVersion)  # one earlier version, moved out of the contract
SCHEDULE = Kind("schedule", Schedule)
SESSION = Kind("session", Session)  # one session past the horizon, moved out of the schedule
REFLECTION = Kind("reflection", Reflection)
ALERT = Kind("alert", Alert, read_hook=_alert_read, write_hook=_alert_write)
PAIR_SUMMARY = Kind("pairSummary", PairSummary)
AUDIT_ENTRY = Kind("audit", AuditEntry)
CONCERN = Kind("concern", Concern, read_hook=_concern_read, write_hook=_concern_write)
PARTICIPANT = Kind("participant", Participant,
                   write_hook=lambda body: {**body, "id": f"participant.{email_key(body['email'])}"})
SURVEY_RESPONSE = Kind("surveyResponse", SurveyResponse, read_hook=_response_read, write_hook=_response_write)
PAIR_DEBRIEF = Kind("pairDebrief", PairDebrief, read_hook=_next_step_read, write_hook=_next_step_write)
# The programme's survey document holds the tally, the managers' own questions and their decision.
SURVEY_TALLY = Kind("survey", SurveyTally, read_hook=_tally_read)
PROGRAMME_DECISION = Kind("decision", ProgrammeDecision, read_hook=_decision_read, write_hook=_decision_write)
QUESTION = Nested("survey question", Question)
DUE_ITEM = Kind("due", DueItem, write_hook=_due_write)  # work due at a time: nudges, checks, the outbox
OUTGOING = Nested("waiting message", Outgoing)  # in a document's embedded outbox

CLAUSES = Nested("draft", Clauses, DialogStateCorrupt)  # a draft's clauses in dialog state
UNDERSTOOD = Nested("half-read time", Understood, DialogStateCorrupt)  # half an answer to "when?" in dialog state
