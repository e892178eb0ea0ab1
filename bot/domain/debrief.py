"""The debrief at a programme's end: each pair's closing summary (private to the pair) and the managers'
decision on the programme (scale up, repeat or stop), which later reports show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bot.domain.errors import InvalidInput

MAX_SUMMARY_TEXT = 1000
MAX_REASONS_TEXT = 1000


class NextStep(str, Enum):
    CONTINUE = "continue informally"
    SECONDMENT = "secondment"
    INTRODUCE = "introduce to others"
    NOTHING = "nothing more"


class Decision(str, Enum):
    SCALE_UP = "scale up"
    REPEAT = "repeat"
    STOP = "stop"


def _choice(kind: type[Enum], raw: Any, ask: str) -> Any:
    wanted = " ".join(str(raw or "").split()).lower()
    for member in kind:
        if wanted in (member.value, member.name.lower()):
            return member
    raise InvalidInput(ask)


def next_step(raw: Any) -> NextStep:
    return _choice(NextStep, raw, "Please choose what happens next: " + ", ".join(n.value for n in NextStep) + ".")


def decision(raw: Any) -> Decision:
    return _choice(Decision, raw, "Please choose scale up, repeat or stop.")


def _text(raw: Any, limit: int, what: str) -> str:
    cleaned = str(raw or "").strip()
    if len(cleaned) > limit:
        raise InvalidInput(f"Please keep {what} under {limit} characters; it has {len(cleaned)}.")
    return cleaned


@dataclass(frozen=True)
class PairDebrief:
    """One member's closing summary of their pairing, kept in the pair's partition: only the pair reads it."""

    pair_id: str
    person_id: str
    achieved: str
    next_step: NextStep
    at: datetime

    @classmethod
    def of(cls, pair_id: str, person_id: str, achieved: Any, step: Any, at: datetime) -> "PairDebrief":
        return cls(pair_id, person_id, _text(achieved, MAX_SUMMARY_TEXT, "what you achieved"), next_step(step), at)


@dataclass(frozen=True)
class ProgrammeDecision:
    programme_id: str
    decision: Decision
    reasons: str
    decided_by: str
    at: datetime
    next_steps: dict[str, int]  # counts of the pairs' "what next" choices (no pair named)

    @classmethod
    def of(cls, programme_id: str, raw: Any, reasons: Any, decided_by: str, at: datetime,
           next_steps: dict[str, int] | None = None) -> "ProgrammeDecision":
        return cls(programme_id, decision(raw), _text(reasons, MAX_REASONS_TEXT, "the reasons"), decided_by, at, next_steps or {})
