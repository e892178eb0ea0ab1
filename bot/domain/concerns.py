"""Safeguarding concerns: raised by a participant, seen by the programme's safeguarding lead only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Iterable

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState
from bot.domain.limits import MAX_CONCERN, MAX_OUTCOME, check_length, too_long

SAME_CONCERN_WITHIN = timedelta(minutes=15)  # the same words raised again this soon, by the same person, are the same concern


class ConcernState(str, Enum):
    WAITING_FOR_LEAD = "waiting for a safeguarding lead to be named"
    SENT = "sent to the safeguarding lead"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "outcome recorded"


@dataclass(frozen=True)
class Concern:
    id: str
    programme_id: str
    reporter_id: str
    words: str
    raised_at: datetime
    state: ConcernState = ConcernState.WAITING_FOR_LEAD
    lead_id: str = ""  # who it was sent to
    acknowledged_at: datetime | None = None
    outcome: str = ""
    outcome_at: datetime | None = None
    deliveries: tuple[dict[str, Any], ...] = ()  # the lead's copy of the card, to update in place

    def sent_to(self, lead_id: str) -> "Concern":
        return replace(self, state=ConcernState.SENT, lead_id=lead_id)

    def acknowledged(self, by: str, now: datetime) -> "Concern":
        self._require_lead(by)
        if self.state is not ConcernState.SENT:
            raise AlreadyDone(f"This concern is already {self.state.value}.")
        return replace(self, state=ConcernState.ACKNOWLEDGED, acknowledged_at=now)

    def closed(self, by: str, outcome: str, now: datetime) -> "Concern":
        self._require_lead(by)
        cleaned = (outcome or "").strip()
        if not cleaned:
            raise InvalidInput("Type a short note of the outcome in the box on the card, then press Record outcome.")
        cleaned = check_length("the outcome note", cleaned, MAX_OUTCOME)
        if self.state is ConcernState.CLOSED:
            raise AlreadyDone("An outcome is already recorded for this concern.")
        return replace(self, state=ConcernState.CLOSED, outcome=cleaned, outcome_at=now,
                       acknowledged_at=self.acknowledged_at or now)

    def _require_lead(self, by: str) -> None:
        if self.state is ConcernState.WAITING_FOR_LEAD or by != self.lead_id:
            raise InvalidState("This concern was sent to another safeguarding lead.")


def new_concern(concern_id: str, programme_id: str, reporter_id: str, words: str, now: datetime) -> Concern:
    cleaned = (words or "").strip()
    if len(cleaned) > MAX_CONCERN:
        raise InvalidInput(too_long("the concern", MAX_CONCERN, len(cleaned)) + " The lead can ask you for more.")
    return Concern(concern_id, programme_id, reporter_id, cleaned, now)



def raised_again(earlier: Iterable[Concern], concern: Concern) -> Concern | None:
    """The concern this one repeats, if any: the same reporter, programme and words, raised within
    SAME_CONCERN_WITHIN (say, raised again after "busy, try again"). The latest such one."""
    same = [c for c in earlier if c.reporter_id == concern.reporter_id and c.programme_id == concern.programme_id
            and c.words == concern.words and timedelta(0) <= concern.raised_at - c.raised_at < SAME_CONCERN_WITHIN]
    return max(same, key=lambda c: c.raised_at, default=None)
