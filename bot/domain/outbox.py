"""Messages a state change causes, written in the same document write as the change (the document's
envelope-level `outbox` list) and relayed from there to the per-recipient outbox, so a message exists
exactly when its state change landed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class DocRef:
    """Where a document lives: its container, partition and id."""

    container: str
    partition: str
    id: str


class KeepKind(str, Enum):
    ALERT = "alert"  # an alert's copies: partition the programme id, id the alert id
    SESSION = "session"  # a session's booked card: partition the pair id, id the session id


@dataclass(frozen=True)
class Keep:
    """Where a message's delivery is kept once it is delivered (by its step, or later by the sweep), so its
    card can be updated in place when what it shows changes."""

    kind: KeepKind
    partition: str
    id: str

    @classmethod
    def alert(cls, programme_id: str, alert_id: str) -> "Keep":
        return cls(KeepKind.ALERT, programme_id, alert_id)

    @classmethod
    def session(cls, pair_id: str, session_id: str) -> "Keep":
        return cls(KeepKind.SESSION, pair_id, session_id)


@dataclass(frozen=True)
class Outgoing:
    """One message to one person, named by the state change it tells of (`key`): relayed once per key."""

    recipient: str
    key: str
    text: str = ""
    card: dict[str, Any] | None = None
    conversation: dict[str, Any] | None = None  # set: a post into this conversation (a channel), not a personal chat
    keep: Keep | None = None  # set: where its delivery is kept, to update the card later

    @property
    def address(self) -> tuple[str, str]:
        return self.recipient, self.key
