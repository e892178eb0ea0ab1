"""People, their roles in a pair and in a programme, and how they are identified."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any


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

    def to_doc(self) -> dict[str, Any]:
        return {"programmeId": self.programme_id, "pairId": self.pair_id, "role": self.role.value}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "Membership":
        return cls(doc["programmeId"], doc["pairId"], Role(doc["role"]))


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
    pending_notices: tuple[str, ...] = ()
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

    def managing(self, programme_id: str) -> "Person":
        if programme_id in self.manages:
            return self
        return replace(self, manages=self.manages + (programme_id,))

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tenantId": self.tenant_id,
            "aadObjectId": self.aad_object_id,
            "name": self.name,
            "teamsUserId": self.teams_user_id,
            "email": self.email,
            "conversation": self.conversation,
            "contact": self.contact,
            "memberships": [m.to_doc() for m in self.memberships],
            "manages": list(self.manages),
            "pendingNotices": list(self.pending_notices),
            "nudgesPausedUntil": self.nudges_paused_until.isoformat() if self.nudges_paused_until else None,
            "unansweredNudges": self.unanswered_nudges,
            "lastNudgedAt": self.last_nudged_at.isoformat() if self.last_nudged_at else None,
            "unreachableSince": self.unreachable_since.isoformat() if self.unreachable_since else None,
            **({"shiftPattern": dict(self.shift_pattern)} if self.shift_pattern else {}),
            "erasedAt": self.erased_at.isoformat() if self.erased_at else None,
            "under18": self.under_18,
            "guardianConsentAt": self.guardian_consent_at.isoformat() if self.guardian_consent_at else None,
            "raised": {kind: [t.isoformat() for t in times] for kind, times in self.raised.items()},
            "keptConcerns": list(self.kept_concerns),
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "Person":
        return cls(
            id=doc["id"],
            tenant_id=doc["tenantId"],
            aad_object_id=doc["aadObjectId"],
            name=doc["name"],
            teams_user_id=doc.get("teamsUserId", ""),
            email=doc.get("email", ""),
            conversation=doc.get("conversation"),
            contact=doc.get("contact"),
            memberships=tuple(Membership.from_doc(m) for m in doc.get("memberships", [])),
            manages=tuple(doc.get("manages", [])),
            pending_notices=tuple(doc.get("pendingNotices", [])),
            nudges_paused_until=_instant(doc.get("nudgesPausedUntil")),
            unanswered_nudges=int(doc.get("unansweredNudges", 0)),
            last_nudged_at=_instant(doc.get("lastNudgedAt")),
            unreachable_since=_instant(doc.get("unreachableSince")),
            shift_pattern=dict(doc["shiftPattern"]) if doc.get("shiftPattern") else None,
            erased_at=_instant(doc.get("erasedAt")),
            under_18=bool(doc.get("under18", False)),
            guardian_consent_at=_instant(doc.get("guardianConsentAt")),
            raised={kind: tuple(datetime.fromisoformat(t) for t in times) for kind, times in (doc.get("raised") or {}).items()},
            kept_concerns=tuple(doc.get("keptConcerns", [])),
        )


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
