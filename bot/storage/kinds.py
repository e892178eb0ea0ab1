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
from bot.domain.enrolment import Participant, email_key
from bot.domain.people import Person
from bot.domain.programmes import Pair, Programme
from bot.domain.reflections import Reflection
from bot.domain.report import PairSummary
from bot.domain.sessions import Schedule, Session
from bot.storage.schema import Kind, plain_adapter


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

CLAUSES = plain_adapter(Clauses)  # a draft's clauses in dialog state
