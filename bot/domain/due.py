"""Work that falls due at a time (asking whether a session happened), indexed by the hour it falls in."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any

from bot.domain.outbox import DocRef, Keep

ATTENDANCE_CHECK = "attendance-check"
DRIFT_CHECK = "drift-check"
REMINDER = "reminder"  # detail: how long before the session, e.g. "1440" minutes
REFLECT_REMINDER = "reflect-reminder"
BOOK_NEXT = "book-next"
FINISH_CONTRACT = "finish-contract"
CALENDAR_SYNC = "calendar-sync"  # detail: the attempt number; make the Outlook event match the session
CALENDAR_CHECK = "calendar-check"  # has someone declined, moved or cancelled the event in Outlook?
RETENTION_PURGE = "retention-purge"  # detail: the programme id; due at the end of its retention period
PROGRAMME_END = "programme-end"  # detail: the programme id; due the morning after it ends: its pairs close
OUTBOX = "outbox"  # one message to one person (pair_id: the recipient; session_id: the idempotency key)
SURVEY = "survey"  # detail: the wave (baseline, mid-point, end); the end one also asks for the closing summary
SURVEY_REMINDER = "survey-reminder"  # detail: the wave; one, 3 days after it was sent, never once it closes
DEBRIEF = "debrief"  # session_id: the programme id; at its end date the managers get the debrief card
RELAY = "relay"  # detail: container, pair_id: partition, session_id: document id; relays the messages a change
# wrote into that document to the outbox (a backstop for a step interrupted between its write and its relay)
NUDGES = (ATTENDANCE_CHECK, REMINDER, REFLECT_REMINDER, BOOK_NEXT, FINISH_CONTRACT)


OUTBOX_SHARDS = 16  # outbox items live outside the hour buckets (their id must not depend on a time), spread
# over this many partitions, read on every sweep
OUTBOX_PARTITION = "outbox"
MAX_MESSAGE_TEXT = 4_000  # characters of a stored message's text
MAX_MESSAGE_CARD_BYTES = 28_000  # cards are built to stay under 25,000 B; past this only the text is kept
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
    only_to: tuple[str, ...] = ()  # a nudge postponed for some recipients (their shifts): for them alone
    message: dict[str, Any] | None = None  # an outbox item's message: {"text": ..., "card": ...}
    keep: Keep | None = None  # an outbox item's: where its delivery is kept once delivered

    def claimable(self, now: datetime, skew: timedelta = CLOCK_SKEW) -> bool:
        if self.due_at > now or (self.retry_at is not None and self.retry_at > now):
            return False
        if self.state is DueState.PENDING:
            return True
        return (self.state is DueState.CLAIMED and self.lease_until is not None
                and self.lease_until + skew <= now)

    def fresh(self) -> "DueItem":
        """As first scheduled: pending, unclaimed, never tried."""
        return DueItem(self.kind, self.due_at, self.pair_id, self.session_id, detail=self.detail, only_to=self.only_to,
                       message=self.message, keep=self.keep)

    @property
    def id(self) -> str:
        """Deterministic, so scheduling the same work twice writes one item, and a moved session a new one.
        An outbox item's id comes from its key and recipient only, so the same step repeated later finds it."""
        if self.kind == OUTBOX:
            return f"{OUTBOX}.{_digest(f'{self.session_id}|{self.pair_id}')[:40]}"
        detail = f".{self.detail}" if self.detail else ""
        only = "." + hashlib.sha256("|".join(sorted(self.only_to)).encode()).hexdigest()[:12] if self.only_to else ""
        return f"{self.kind}{detail}.{self.pair_id}.{self.session_id}.{self.due_at.astimezone(timezone.utc):%Y%m%dT%H%M}{only}"

    @property
    def hour(self) -> str:
        return hour_bucket(self.due_at)

    @property
    def bucket(self) -> str:
        """Its partition: the hour it falls due in, and a shard from its id (an outbox item: a shard only)."""
        if self.kind == OUTBOX:
            return f"{OUTBOX_PARTITION}.{int(_digest(self.id), 16) % OUTBOX_SHARDS}"
        shard = int(_digest(self.id), 16) % SHARDS
        return f"{self.hour}.{shard}"

    @property
    def in_hour_buckets(self) -> bool:
        """Swept through the hour buckets behind the cursor (everything but the outbox)."""
        return self.kind != OUTBOX


def outbox_partitions() -> list[str]:
    return [f"{OUTBOX_PARTITION}.{shard}" for shard in range(OUTBOX_SHARDS)]


def outbox_item(recipient: str, key: str, text: str, card: dict[str, Any] | None, now: datetime,
                keep: Keep | None = None) -> DueItem:
    """One message to one person, due now, bounded in size: the text is cut at MAX_MESSAGE_TEXT and a card
    past MAX_MESSAGE_CARD_BYTES is left out (the text still goes). `keep`: where its delivery is kept."""
    if card is not None and len(json.dumps(card, separators=(",", ":")).encode()) > MAX_MESSAGE_CARD_BYTES:
        card = None
    return DueItem(OUTBOX, now, recipient, key[:300], message={"text": text[:MAX_MESSAGE_TEXT], "card": card}, keep=keep)


def conversation_item(conversation: dict[str, Any], key: str, text: str, card: dict[str, Any] | None, now: datetime,
                      update: dict[str, Any] | None = None, keep: Keep | None = None) -> DueItem:
    """A post into a known conversation (a channel), or with `update` (a delivery), a card replaced in
    place: through the outbox like a personal message, with the same retries and dead-letter."""
    conv_id = str((conversation.get("conversation") or {}).get("id") or "")
    item = outbox_item(f"conversation:{conv_id}", key, text, card, now)
    return DueItem(OUTBOX, now, item.pair_id, item.session_id, keep=keep,
                   message={**(item.message or {}), "conversation": conversation, **({"update": update} if update else {})})


RELAY_AFTER = timedelta(minutes=2)
RELAY_LOOKS_AGAIN = timedelta(minutes=15)  # a relay item finding nothing this soon after its due time looks again


def relay_item(container: str, partition: str, id: str, now: datetime, step: str = "") -> DueItem:
    """The backstop for a change about to be written with its messages, due at the start of the minute
    after next. `step` names the step it is for: each step has its own, which it finishes itself once it
    has relayed (a shared one finished by one step could leave another's messages unguarded)."""
    return DueItem(RELAY, now.replace(second=0, microsecond=0) + RELAY_AFTER, partition, id,
                   detail=f"{container}.{step}" if step else container)


def relay_ref(item: DueItem) -> DocRef:
    """The document a relay item looks in (items written before steps were named say only the container)."""
    return DocRef(item.detail.partition(".")[0], item.pair_id, item.session_id)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
