"""People, their roles in a pair and in a programme, and how they are identified."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from bot.domain.limits import MAX_PENDING_NOTICES


class Role(str, Enum):
    MENTOR = "mentor"
    MENTEE = "mentee"

    @property
    def other(self) -> "Role":
        return Role.MENTEE if self is Role.MENTOR else Role.MENTOR


def person_id(tenant_id: str, aad_object_id: str) -> str:
    """A person is their Entra object id within their tenant: stable across chats and devices."""
    return f"{tenant_id}:{aad_object_id}"


@dataclass(frozen=True)
class Membership:
    programme_id: str
    pair_id: str
    role: Role


@dataclass(frozen=True)
class Person:
    """Someone Tandem knows: from installing the app, being paired, or managing a programme.

    `conversation` is the Bot Framework conversation reference of their personal chat with the bot,
    kept as the plain JSON Teams sent (stored once at install; needed to message them later).
    """

    id: str
    tenant_id: str
    aad_object_id: str
    name: str
    teams_user_id: str = ""
    email: str = ""
    conversation: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None  # how to open a first chat with them (service URL, bot, tenant)
    memberships: tuple[Membership, ...] = ()
    manages: tuple[str, ...] = ()
    pending_notices: tuple[str, ...] = ()  # the latest MAX_PENDING_NOTICES messages kept until they can be told
    dropped_notices: int = 0  # earlier messages that did not fit: counted, so they can be told how many
    nudges_paused_until: datetime | None = None
    unanswered_nudges: int = 0  # nudges since they last said or pressed anything
    last_nudged_at: datetime | None = None
    unreachable_since: datetime | None = None  # Teams said 403/404: the app was removed or blocked
    shift_pattern: dict[str, Any] | None = None  # bot.domain.shifts' document: a rota, or "tell me each time"
    erased_at: datetime | None = None  # they asked for their data to be erased: nothing is kept for them
    under_18: bool = False  # recorded by a manager: cannot be paired until guardian consent is recorded
    guardian_consent_at: datetime | None = None
    raised: dict[str, tuple[datetime, ...]] = field(default_factory=dict)  # kind -> times, for rate limits
    kept_concerns: tuple[str, ...] = ()  # "programme/concern" ids sent while they had no chat with Tandem

    @property
    def may_be_paired(self) -> bool:
        return not self.under_18 or self.guardian_consent_at is not None

    def nudgeable(self, now: datetime) -> bool:
        return self.nudges_paused_until is None or self.nudges_paused_until <= now

    @property
    def reachable(self) -> bool:
        return self.unreachable_since is None and (self.conversation is not None or self.contact is not None)

    def with_membership(self, membership: Membership) -> "Person":
        if membership in self.memberships:
            return self
        return replace(self, memberships=self.memberships + (membership,))

    def with_notice(self, text: str) -> "Person":
        """Keep a message until they can be reached: the latest MAX_PENDING_NOTICES, and a count of the rest."""
        notices = self.pending_notices + (text,)
        dropped = max(0, len(notices) - MAX_PENDING_NOTICES)
        return replace(self, pending_notices=notices[dropped:], dropped_notices=self.dropped_notices + dropped)

    def notices_to_tell(self) -> tuple[str, ...]:
        """The kept messages, oldest first, after a line saying how many earlier ones could not be kept."""
        if not self.dropped_notices:
            return self.pending_notices
        earlier = "message" if self.dropped_notices == 1 else "messages"
        return (f"While I couldn't reach you there were {self.dropped_notices} earlier {earlier} as well. "
                f"These are the latest {len(self.pending_notices)}.",) + self.pending_notices

    def managing(self, programme_id: str) -> "Person":
        if programme_id in self.manages:
            return self
        return replace(self, manages=self.manages + (programme_id,))

