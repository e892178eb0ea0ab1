"""Work that falls due at a time (asking whether a session happened), indexed by the hour it falls in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any

ATTENDANCE_CHECK = "attendance-check"
DRIFT_CHECK = "drift-check"
REMINDER = "reminder"  # detail: how long before the session, e.g. "1440" minutes
REFLECT_REMINDER = "reflect-reminder"
BOOK_NEXT = "book-next"
FINISH_CONTRACT = "finish-contract"
CALENDAR_SYNC = "calendar-sync"  # detail: the attempt number; make the Outlook event match the session
CALENDAR_CHECK = "calendar-check"  # has someone declined, moved or cancelled the event in Outlook?
RETENTION_PURGE = "retention-purge"  # detail: the programme id; due at the end of its retention period
SURVEY = "survey"  # detail: the wave (baseline, mid-point, end); the end one also asks for the closing summary
SURVEY_REMINDER = "survey-reminder"  # detail: the wave; one, 3 days after it was sent, never once it closes
DEBRIEF = "debrief"  # session_id: the programme id; at its end date the managers get the debrief card
NUDGES = (ATTENDANCE_CHECK, REMINDER, REFLECT_REMINDER, BOOK_NEXT, FINISH_CONTRACT)


SHARDS = 4  # each hour's work is spread over this many partitions, so no logical partition runs hot
MAX_ATTEMPTS = 5  # an item that fails this many times is set aside (dead-lettered), not retried for ever
CLOCK_SKEW = timedelta(seconds=60)  # another instance's clock may be this far ahead: a lease is only
# taken over once it has run out by more than this


class DueState(str, Enum):
    PENDING = "pending"
    CLAIMED = "claimed"  # a sweeper holds it until `lease_until`; past that, another may take it over
    DONE = "done"
    DEAD = "dead"  # failed MAX_ATTEMPTS times: kept for an engineer to look at, never tried again

    @property
    def finished(self) -> bool:
        return self in (DueState.DONE, DueState.DEAD)


def hour_bucket(instant: datetime) -> str:
    """The UTC hour an instant falls in: the partition a sweep reads, so it reads only what is due."""
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")


def partitions_of(hour: str) -> list[str]:
    """The partitions one hour's work is spread over."""
    return [f"{hour}.{shard}" for shard in range(SHARDS)]


def retry_delay(attempts: int) -> timedelta:
    """How long a failed item waits before it is tried again: growing, capped at half an hour."""
    return min(timedelta(seconds=30 * 2 ** max(0, attempts - 1)), timedelta(minutes=30))


def buckets_between(start: datetime, end: datetime) -> list[str]:
    hour = start.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    out = []
    while hour <= end:
        out.append(hour_bucket(hour))
        hour += timedelta(hours=1)
    return out


@dataclass(frozen=True)
class DueItem:
    kind: str
    due_at: datetime
    pair_id: str
    session_id: str
    state: DueState = DueState.PENDING
    detail: str = ""
    lease_until: datetime | None = None
    owner: str = ""
    attempts: int = 0  # claims so far: counted when claimed, so a crash mid-item counts too
    retry_at: datetime | None = None  # after a failure, not before this
    sent_to: tuple[str, ...] = ()  # recipients already reached: a retry never messages them again

    def claimable(self, now: datetime, skew: timedelta = CLOCK_SKEW) -> bool:
        if self.due_at > now or (self.retry_at is not None and self.retry_at > now):
            return False
        if self.state is DueState.PENDING:
            return True
        return (self.state is DueState.CLAIMED and self.lease_until is not None
                and self.lease_until + skew <= now)

    def fresh(self) -> "DueItem":
        """As first scheduled: pending, unclaimed, never tried."""
        return DueItem(self.kind, self.due_at, self.pair_id, self.session_id, detail=self.detail)

    @property
    def id(self) -> str:
        """Deterministic, so scheduling the same work twice writes one item, and a moved session a new one."""
        detail = f".{self.detail}" if self.detail else ""
        return f"{self.kind}{detail}.{self.pair_id}.{self.session_id}.{self.due_at.astimezone(timezone.utc):%Y%m%dT%H%M}"

    @property
    def hour(self) -> str:
        return hour_bucket(self.due_at)

    @property
    def bucket(self) -> str:
        """Its partition: the hour it falls due in, and a shard from its id."""
        shard = int(hashlib.sha256(self.id.encode()).hexdigest(), 16) % SHARDS
        return f"{self.hour}.{shard}"

    def to_doc(self) -> dict[str, Any]:
        return {"kind": self.kind, "dueAt": self.due_at.isoformat(), "pairId": self.pair_id,
                "sessionId": self.session_id, "state": self.state.value, "detail": self.detail,
                "leaseUntil": self.lease_until.isoformat() if self.lease_until else None, "owner": self.owner,
                "attempts": self.attempts, "retryAt": self.retry_at.isoformat() if self.retry_at else None,
                "sentTo": list(self.sent_to),
                "open": not self.state.finished}  # one query per partition finds what is still to do

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "DueItem":
        return cls(doc["kind"], datetime.fromisoformat(doc["dueAt"]), doc["pairId"], doc["sessionId"], DueState(doc["state"]),
                   doc.get("detail", ""), datetime.fromisoformat(doc["leaseUntil"]) if doc.get("leaseUntil") else None,
                   doc.get("owner", ""), int(doc.get("attempts", 0)),
                   datetime.fromisoformat(doc["retryAt"]) if doc.get("retryAt") else None,
                   tuple(doc.get("sentTo", ())))
