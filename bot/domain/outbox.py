"""Messages a state change causes, written in the same document write as the change (the document's
envelope-level `outbox` list) and relayed from there to the per-recipient outbox, so a message exists
exactly when its state change landed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocRef:
    """Where a document lives: its container, partition and id."""

    container: str
    partition: str
    id: str


@dataclass(frozen=True)
class Outgoing:
    """One message to one person, named by the state change it tells of (`key`): relayed once per key."""

    recipient: str
    key: str
    text: str = ""
    card: dict[str, Any] | None = None
    conversation: dict[str, Any] | None = None  # set: a post into this conversation (a channel), not a personal chat

    @property
    def address(self) -> tuple[str, str]:
        return self.recipient, self.key
