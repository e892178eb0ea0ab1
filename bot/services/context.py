"""Who is acting, the messaging port services use, and the repositories they share."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Callable, Protocol

from bot.clock import Clock
from bot.domain.audit import DEFAULT_AUDIT_RETENTION_DAYS, AuditAction, AuditEntry
from bot.domain.due import DRIFT_CHECK, DueItem
from bot.domain.people import Person, person_id
from bot.domain.retention import DEFAULT_RETENTION_MONTHS
from bot.domain.policy import AccessRole, Action, require
from bot.domain.programmes import Programme
from bot.services.authority import NO_ADMINS, AdminDirectory, programme_roles
from bot.storage.documents import DocumentStore
from bot.storage.records import RecordsRepository
from bot.storage.surveys import SurveyRepository
from bot.storage.repositories import (
    AlertRepository, AuditRepository, ConcernRepository, DueWorkRepository, PairRepository, PairSummaryRepository,
    PeopleRepository, ProgrammeRepository, ReflectionRepository,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """The person behind an activity, taken from the activity itself (never from card data)."""

    tenant_id: str
    aad_object_id: str
    name: str
    teams_user_id: str = ""
    email: str = ""
    contact: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return person_id(self.tenant_id, self.aad_object_id)


@dataclass(frozen=True)
class Message:
    """What a service wants someone to see: a line of text, an Adaptive Card, or both."""

    text: str = ""
    card: dict[str, Any] | None = None


@dataclass(frozen=True)
class Delivery:
    """Where a message went and the id of its last part (the card), so the card can be updated in place."""

    conversation: dict[str, Any]
    activity_id: str

    def to_doc(self) -> dict[str, Any]:
        return {"conversation": self.conversation, "activityId": self.activity_id}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "Delivery":
        return cls(doc["conversation"], doc["activityId"])


class Unreachable(Exception):
    """The person has no conversation with the bot yet (not installed), or blocked it."""


class Messenger(Protocol):
    """The port services use to message a person proactively; the Teams edge implements it."""

    async def send(self, person: Person, message: Message) -> Delivery:
        """Deliver to the person's personal chat (opening one if needed), or raise Unreachable."""

    async def post(self, conversation: dict[str, Any], message: Message) -> Delivery:
        """Deliver into a known conversation: a channel or group chat."""

    async def update(self, delivery: Delivery, card: dict[str, Any]) -> None:
        """Replace a card that was delivered earlier, in place."""


@dataclass
class Repositories:
    people: PeopleRepository
    programmes: ProgrammeRepository
    pairs: PairRepository
    reflections: ReflectionRepository
    due: DueWorkRepository
    alerts: AlertRepository
    audit: AuditRepository
    summaries: PairSummaryRepository
    records: RecordsRepository  # whole partitions, for retention and erasure
    concerns: ConcernRepository
    surveys: SurveyRepository

    @classmethod
    def over(cls, store: DocumentStore, audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS) -> "Repositories":
        return cls(PeopleRepository(store), ProgrammeRepository(store), PairRepository(store),
                   ReflectionRepository(store), DueWorkRepository(store), AlertRepository(store),
                   AuditRepository(store, audit_retention_days * 24 * 3600), PairSummaryRepository(store),
                   RecordsRepository(store), ConcernRepository(store), SurveyRepository(store))


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class ServiceContext:
    repos: Repositories
    messenger: Messenger
    clock: Clock
    make_id: Callable[[], str] = new_id
    retention_months: int = DEFAULT_RETENTION_MONTHS  # the default for new programmes
    admins: AdminDirectory = NO_ADMINS

    async def is_admin(self, actor: Actor, tenant_id: str | None = None) -> bool:
        """An administrator of `tenant_id` (default: their own): listed by object id, or by UPN once known."""
        if tenant_id is not None and tenant_id != actor.tenant_id:
            return False
        upn = actor.email
        if not upn:
            known = await self.repos.people.find(actor.id)
            upn = known.email if known else ""
        return await self.admins.is_admin(actor.aad_object_id, upn)

    async def roles_in(self, actor: Actor, programme: Programme) -> frozenset[AccessRole]:
        return programme_roles(actor.id, programme, await self.is_admin(actor, programme.tenant_id))

    async def require_in(self, actor: Actor, programme: Programme, action: Action) -> frozenset[AccessRole]:
        """The policy check for a step on a programme: raises NotAllowed, kindly, unless the actor may."""
        roles = await self.roles_in(actor, programme)
        require(roles, action)
        return roles

    async def audit(self, actor_id: str, action: AuditAction, subject_id: str, programme_id: str = "",
                    detail: str = "") -> AuditEntry:
        """Record who did what to whose record (never content). Ids sort by time within a subject."""
        now = self.clock.now()
        entry = AuditEntry(f"{now.strftime('%Y%m%dT%H%M%S%f')}.{self.make_id()}", now, actor_id, action,
                           subject_id, programme_id, detail)
        await self.repos.audit.append(entry)
        return entry

    async def recheck(self, pair_id: str) -> None:
        """Something changed for this pair: have a sweep check it against its contract. The check is due
        at the start of the minute after next, so changes within a minute share one check, and a check
        that already ran or is running (same id) can never be one that read the state before this change."""
        now = self.clock.now()
        due = now.replace(second=0, microsecond=0) + timedelta(minutes=2)
        await self.repos.due.schedule(DueItem(DRIFT_CHECK, due, pair_id, ""))

    async def notify(self, person_id_: str, message: Message) -> Delivery | None:
        """Message someone now, or keep a short notice for when they first open Tandem (then None)."""
        person = await self.repos.people.find(person_id_)
        if person is not None and person.erased_at is not None:
            return None  # they had their data erased: no message, and no notice kept for them
        if person is not None and person.reachable:
            try:
                delivery = await self.messenger.send(person, message)
                if person.conversation is None:  # a first personal chat was opened: keep it
                    await self.repos.people.change(person_id_, lambda p: replace(p, conversation=delivery.conversation))
                return delivery
            except Unreachable:
                # No retry loop: remember it, and let the drift check tell their programme manager.
                log.info("person %s unreachable; keeping the notice", person_id_)
                now = self.clock.now()
                await self.repos.people.change(person_id_, lambda p: replace(p, unreachable_since=p.unreachable_since or now))
                for membership in person.memberships:
                    await self.recheck(membership.pair_id)
        if message.text:
            await self.repos.people.change(
                person_id_,
                lambda p: replace(p, pending_notices=p.pending_notices + (message.text,)) if p else _stub(person_id_, message.text),
            )
        return None


def _stub(person_id_: str, notice: str) -> Person:
    tenant, _, aad = person_id_.partition(":")
    return Person(id=person_id_, tenant_id=tenant, aad_object_id=aad, name="", pending_notices=(notice,))
