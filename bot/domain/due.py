"""Work that falls due at a time (asking whether a session happened), indexed by the hour it falls in."""

from __future__ import annotations

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
RETENTION_PURGE = "retention-purge"  # detail: the programme id; due at the end of its retention period
NUDGES = (ATTENDANCE_CHECK, REMINDER, REFLECT_REMINDER, BOOK_NEXT, FINISH_CONTRACT)


class DueState(str, Enum):
    PENDING = "pending"
    CLAIMED = "claimed"  # a sweeper holds it until `lease_until`; past that, another may take it over
    DONE = "done"


def hour_bucket(instant: datetime) -> str:
    """The UTC hour an instant falls in: the partition a sweep reads, so it reads only what is due."""
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")


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

    def claimable(self, now: datetime) -> bool:
        if self.state is DueState.PENDING:
            return True
        return self.state is DueState.CLAIMED and self.lease_until is not None and self.lease_until <= now

    @property
    def id(self) -> str:
        """Deterministic, so scheduling the same work twice writes one item, and a moved session a new one."""
        detail = f".{self.detail}" if self.detail else ""
        return f"{self.kind}{detail}.{self.pair_id}.{self.session_id}.{self.due_at.astimezone(timezone.utc):%Y%m%dT%H%M}"

    @property
    def bucket(self) -> str:
        return hour_bucket(self.due_at)

    def to_doc(self) -> dict[str, Any]:
        return {"kind": self.kind, "dueAt": self.due_at.isoformat(), "pairId": self.pair_id,
                "sessionId": self.session_id, "state": self.state.value, "detail": self.detail,
                "leaseUntil": self.lease_until.isoformat() if self.lease_until else None, "owner": self.owner}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "DueItem":
        return cls(doc["kind"], datetime.fromisoformat(doc["dueAt"]), doc["pairId"], doc["sessionId"], DueState(doc["state"]),
                   doc.get("detail", ""), datetime.fromisoformat(doc["leaseUntil"]) if doc.get("leaseUntil") else None,
                   doc.get("owner", ""))
