"""Who is acting, the messaging port services use, and the repositories they share."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable, Protocol, TypeVar

from bot.clock import Clock
from bot.deadline import remaining
from bot.domain.audit import DEFAULT_AUDIT_RETENTION_DAYS, AuditAction, AuditEntry
from bot.domain.due import DRIFT_CHECK, MAX_ATTEMPTS, DueItem, DueState, conversation_item, outbox_item, relay_item, retry_delay
from bot.domain.errors import DomainError, NotFound, Unfinished
from bot.domain.outbox import DocRef, Keep, KeepKind, Outgoing
from bot.domain.text import plain
from bot.domain.people import Person, person_id
from bot.domain.retention import DEFAULT_RETENTION_MONTHS
from bot.domain.policy import AccessRole, Action, require
from bot.domain.programmes import Programme
from bot.services.authority import NO_ADMINS, AdminDirectory, programme_roles
from bot.storage.documents import DocumentStore, StorageError, StoreBusy, StoreTimeout
from bot.storage.schema import Nested
from bot.storage.records import RecordsRepository
from bot.storage.surveys import SurveyRepository
from bot.storage.repositories import (
    AlertRepository, AuditRepository, EmbeddedOutbox, ConcernRepository, DueWorkRepository, PairRepository, PairSummaryRepository,
    ParticipantRepository,
    PeopleRepository, ProgrammeRepository, ReflectionRepository,
)

log = logging.getLogger(__name__)
R = TypeVar("R")

INLINE_BUDGET = timedelta(seconds=5)  # how long a user step waits for its messages to go: well inside Teams' 15 s
INLINE_LEASE = timedelta(seconds=30)  # the inline sender holds an item this much past its wait; then the sweep may
INLINE_SENDER = "inline"
REPLY_MARGIN = timedelta(seconds=2)  # of a turn's budget, kept for its reply


@dataclass(frozen=True)
class Actor:
    """The person behind an activity, taken from the activity itself (never from card data)."""

    tenant_id: str
    aad_object_id: str
    name: str
    teams_user_id: str = ""
    email: str = ""
    contact: dict[str, Any] | None = field(default=None, compare=False)
    guest: bool = field(default=False, compare=False)  # a guest account in the tenant (Teams' userRole "guest")

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


DELIVERY = Nested("card delivery", Delivery)  # kept on a session, an alert or a concern, to update the card


@dataclass(frozen=True)
class Backstop:
    """A step's own relay item, as it wrote it (with its ETag), so the step can finish it once it has relayed."""

    item: DueItem
    etag: str


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
    participants: ParticipantRepository
    surveys: SurveyRepository
    embedded: EmbeddedOutbox

    @classmethod
    def over(cls, store: DocumentStore, audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS) -> "Repositories":
        return cls(PeopleRepository(store), ProgrammeRepository(store), PairRepository(store),
                   ReflectionRepository(store), DueWorkRepository(store), AlertRepository(store),
                   AuditRepository(store, audit_retention_days * 24 * 3600), PairSummaryRepository(store),
                   RecordsRepository(store), ConcernRepository(store), ParticipantRepository(store), SurveyRepository(store),
                   EmbeddedOutbox(store))


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
                    detail: str = "", *, once: str = "", at: datetime | None = None) -> AuditEntry:
        """Record who did what to whose record (never content). Ids sort by time within a subject.
        `once` names the step (with `at`, when it landed): the entry's id is then the same each time that
        step is audited, so a step repeated after a fault, or finished later, is recorded once."""
        now = at or self.clock.now()
        entry = AuditEntry(f"{now.strftime('%Y%m%dT%H%M%S%f')}.{once or self.make_id()}", now, actor_id, action,
                           subject_id, programme_id, detail)
        await (self.repos.audit.append_once(entry) if once else self.repos.audit.append(entry))
        return entry

    async def recheck(self, pair_id: str) -> None:
        """Something changed for this pair: have a sweep check it against its contract. The check is due
        at the start of the minute after next, so changes within a minute share one check, and a check
        that already ran or is running (same id) can never be one that read the state before this change."""
        now = self.clock.now()
        due = now.replace(second=0, microsecond=0) + timedelta(minutes=2)
        await self.repos.due.schedule(DueItem(DRIFT_CHECK, due, pair_id, ""))

    async def follow_up(self, unfinished: str, *steps: Callable[[], Awaitable[Any]]) -> None:
        """What follows a change that has landed (a re-check, telling the partner): run each step. If the
        store fails part-way, the person must not hear "nothing was changed": raise Unfinished with
        `unfinished`, which says what is recorded and to repeat the step (repeating finishes it)."""
        for step in steps:
            try:
                await step()
            except StorageError as error:
                log.warning("a step landed but its follow-up failed (%s)", type(error).__name__)
                raise Unfinished(unfinished) from error

    async def change_and_tell(self, ref: DocRef, write: Callable[[], Awaitable[R]], *, recheck: str = "",
                              fresher: dict[str, Message] | None = None) -> tuple[R, dict[tuple[str, str], Delivery | None]]:
        """A state change and the messages it causes, as one: `write` changes the document at `ref`,
        writing the messages into it in the same write (a repository's `tell`). Before it, a relay item
        is scheduled (and, with `recheck`, that pair's drift check), so nothing needed afterwards can be
        refused once the change has landed; after it, the messages are relayed now. If the relay is cut
        short, the relay item finishes it within minutes: a message exists exactly when its change landed,
        so the person may be told "done" as soon as `write` returns. Returns its result and the deliveries
        made now (by recipient and key). `fresher`: a newer copy of a message (by key) to send instead, if relayed now."""
        backstop = await self.before_change(ref, recheck)
        try:
            result = await write()
        except DomainError:
            await self.finish_backstop(backstop)  # a rule said no: nothing was written, nothing to relay
            raise
        return result, await self.relay_now(ref, fresher, backstop)

    async def before_change(self, ref: DocRef, recheck: str = "") -> Backstop | None:
        """What must be recorded before a change with messages is written: its relay item, and the pair's
        drift check. Refused: nothing is changed yet, and the person may be told so. Returns the relay item
        for `relay_now` to finish (None when its write went unanswered but landed: the sweep finishes it)."""
        item = relay_item(ref.container, ref.partition, ref.id, self.clock.now(), step=self.make_id()[:12])
        backstop = None
        try:
            etag = await self.repos.due.add(item)
            backstop = Backstop(item, etag) if etag else None
        except StoreTimeout:
            if await self.repos.due.get(item) is None:  # it did not land: nothing is changed yet
                raise
        if recheck:
            await self.recheck(recheck)
        return backstop

    async def relay_now(self, ref: DocRef, fresher: dict[str, Message] | None = None,
                        backstop: Backstop | None = None) -> dict[tuple[str, str], Delivery | None]:
        """Hand the messages waiting in a document to the outbox (one item per recipient and key, tried
        now), then drop them from the document. Never raises for the store: what is left waits for the
        relay item (and relaying twice tells no one twice: the outbox keeps one item per key). Everything
        relayed, the step's own relay item (`backstop`) is finished, so the sweep has nothing to look at."""
        deliveries: dict[tuple[str, str], Delivery | None] = {}
        try:
            waiting = await self.repos.embedded.waiting(ref)
            relayed: list[Outgoing] = []
            for message in waiting:
                body = (fresher or {}).get(message.key) or Message(message.text, message.card)
                if message.conversation:
                    deliveries[message.address] = await self.post(message.conversation, body, message.key, keep=message.keep)
                else:
                    deliveries[message.address] = await self.notify(message.recipient, body, key=message.key,
                                                                    keep=message.keep)
                relayed.append(message)
            if relayed:
                await self.repos.embedded.drop(ref, relayed)
        except StorageError as error:
            log.warning("messages in %s/%s not all relayed now (%s); the relay item will", ref.container, ref.id,
                        type(error).__name__)
            return deliveries
        await self.finish_backstop(backstop)
        return deliveries

    async def finish_backstop(self, backstop: Backstop | None) -> None:
        """The step's relay item is not needed (its messages are relayed, or it wrote none). Best effort: if
        this fails, or a sweeper holds the item now (the ETag moved on), the sweep finishes it instead."""
        if backstop is None:
            return
        try:
            await self.repos.due.finish(backstop.item.fresh(), backstop.etag)
        except StorageError as error:
            log.info("relay item %s not finished now (%s); the sweep will", backstop.item.id, type(error).__name__)

    async def notify(self, person_id_: str, message: Message, key: str | None = None,
                     within: timedelta = INLINE_BUDGET, keep: Keep | None = None) -> Delivery | None:
        """Message someone through the outbox: record the message (one item per recipient and `key`, kept
        if it is already there), then try it once now, waiting at most `within`. Delivered: the item is marked
        sent and the delivery returned. Not delivered now: None, and the sweep delivers it later with
        backoff, or tells the programme managers it could not. Someone Tandem can't reach gets a short
        notice for when they first open Tandem instead.

        `within`: how long the step waits for it now (the sweep takes over past that). `key` names the state
        change the message tells of (say `contract.<pair>.<version>.accepted.mentor`): the same step repeated
        after a fault notifies again with the same key, and the person is told once. Without a key each call
        is a new message. `keep`: where the delivery is kept, whenever it is made (see `keep_delivery`)."""
        person = await self.repos.people.find(person_id_)
        if person is not None and person.erased_at is not None:
            return None  # they had their data erased: no message, and no notice kept for them
        now = self.clock.now()
        item = outbox_item(person_id_, key or f"once.{self.make_id()}", message.text, message.card, now, keep)
        return await self._through_outbox(item, lambda held: self.deliver(person_id_, stored_message(held)), within)

    async def post(self, conversation: dict[str, Any], message: Message, key: str,
                   within: timedelta = INLINE_BUDGET, keep: Keep | None = None) -> Delivery | None:
        """Post into a known conversation (a programme's channel) through the outbox, like `notify`."""
        item = conversation_item(conversation, key, message.text, message.card, self.clock.now(), keep=keep)
        return await self._through_outbox(item, self.deliver_stored, within)

    async def update_card(self, delivery: Delivery, card: dict[str, Any], key: str,
                          within: timedelta = INLINE_BUDGET) -> None:
        """Replace a card delivered earlier, through the outbox (retried, then set aside), like `notify`.
        `key` names the change the new card shows, so the same update asked for twice is made once."""
        item = conversation_item(delivery.conversation, f"{key}.{delivery.activity_id}", "", card, self.clock.now(),
                                 update=DELIVERY.plain(delivery))
        await self._through_outbox(item, self.deliver_stored, within)

    async def _through_outbox(self, item: DueItem, send: Callable[[DueItem], Awaitable[Delivery | None]],
                              within: timedelta) -> Delivery | None:
        """Record the item (kept if it is there already), then try it once now, waiting at most `within`
        (and never past what is left of the turn, less a margin for the reply)."""
        left = remaining()
        if left is not None:
            within = max(timedelta(0), min(within, timedelta(seconds=left) - REPLY_MARGIN))
        try:
            await self.repos.due.schedule(item)
        except StoreTimeout:
            pass  # it may have landed: the read below tells
        found = await self.repos.due.get(item)
        if found is None:
            raise StoreBusy("the message could not be recorded")  # the write went unanswered and did not land
        if found[0].state is not DueState.PENDING:
            return None  # already delivered (or set aside), or a sender holds it now
        if within <= timedelta(0):
            return None  # no time to try it now (asked for, or the turn's time is spent): the sweep sends it
        claim = await self.repos.due.claim(found[0], found[1], INLINE_SENDER, self.clock.now() + within + INLINE_LEASE)
        if claim is None:
            return None  # the sweep took it first: it delivers
        held, etag = claim
        try:
            delivery = await asyncio.wait_for(send(held), within.total_seconds())
        except Exception as error:  # any failure to send: the outbox keeps it and the sweep tries again
            log.warning("outbox item %s not delivered now (%s); the sweep will retry", held.id, type(error).__name__)
            try:
                await self.repos.due.release(held, etag, self.clock.now() + retry_delay(held.attempts), type(error).__name__)
            except StorageError:
                log.warning("outbox item %s: could not record the failure; its lease will run out", held.id)
            return None
        try:
            await persist(lambda: self.repos.due.finish(replace(held, sent_to=(held.pair_id,)), etag))
        except StorageError:
            log.warning("outbox item %s: delivered, but not marked; it may be sent again", held.id)
        await self.keep_delivery(held, delivery)
        return delivery

    async def keep_delivery(self, item: DueItem, delivery: Delivery | None) -> None:
        """A delivered outbox item that names where its delivery is kept (`item.keep`): keep it there (once
        per activity id), so the card can be updated in place later, whoever delivered it (the step or the
        sweep). Worth a few tries, never a failure: the message is out, and sending it again would tell twice."""
        keep = item.keep
        if keep is None or delivery is None:
            return
        kept = DELIVERY.plain(delivery)
        try:
            if keep.kind is KeepKind.ALERT:
                channel = bool((item.message or {}).get("conversation"))  # an alert's post into a conversation: the channel copy
                await persist(lambda: self.repos.alerts.change(keep.partition, keep.id, lambda a: a.keep_delivery(kept, channel)))
            elif keep.kind is KeepKind.SESSION:
                await persist(lambda: self.repos.pairs.change_schedule(keep.partition, lambda s: s.note_card(keep.id, kept)))
        except (StorageError, DomainError) as error:
            log.warning("outbox item %s: delivered, but where it went is not kept (%s); its card can't be updated in place",
                        item.id, type(error).__name__)

    async def deliver_stored(self, item: DueItem) -> Delivery | None:
        """Send one outbox item now (the sweep's turn, or the first try): a card update, a post into a
        conversation, or a personal message. Raises whatever the messenger raises for a failure worth retrying."""
        body = item.message or {}
        message = stored_message(item)
        try:
            if body.get("update"):
                await self.messenger.update(DELIVERY.load(body["update"]), message.card or {})
                return None
            if body.get("conversation"):
                return await self.messenger.post(body["conversation"], message)
        except Unreachable:  # the channel or the card is gone (or the app removed there): not worth retrying
            log.info("outbox item %s: its conversation can't be reached; not retried", item.id)
            return None
        return await self.deliver(item.pair_id, message)

    async def deliver(self, person_id_: str, message: Message) -> Delivery | None:
        """Send one stored message now: to their chat, or as a notice if Tandem can't reach them (None).
        Raises whatever the messenger raises for a failure worth retrying."""
        person = await self.repos.people.find(person_id_)
        if person is not None and person.erased_at is not None:
            return None
        if person is not None and person.reachable:
            try:
                delivery = await self.messenger.send(person, message)
            except Unreachable:
                # No retry loop: remember it, and let the drift check tell their programme manager.
                log.info("person %s unreachable; keeping the notice", person_id_)
                now = self.clock.now()
                await self.repos.people.change(person_id_, lambda p: replace(p, unreachable_since=p.unreachable_since or now))
                for membership in person.memberships:
                    await self.recheck(membership.pair_id)
            else:
                if person.conversation is None:  # a first personal chat was opened: keep it
                    try:
                        await self.repos.people.change(person_id_, lambda p: replace(p, conversation=delivery.conversation))
                    except StorageError:
                        log.warning("person %s: chat opened but not kept; the next message opens it again", person_id_)
                return delivery
        if message.text:
            await self.repos.people.change(
                person_id_,
                lambda p: p.with_notice(message.text) if p else _stub(person_id_, message.text),
            )
        return None

    async def undeliverable(self, item: DueItem) -> None:
        """An outbox message was set aside after MAX_ATTEMPTS: tell the managers of the recipient's programmes."""
        person = await self.repos.people.find(item.pair_id)
        if person is None:
            return
        who = person.name or "someone"
        for membership in person.memberships:
            try:
                programme = await self.repos.programmes.get(membership.programme_id)
            except NotFound:
                continue
            for manager_id in programme.managers:
                if manager_id != person.id:
                    await self.notify(manager_id, Message(text=(
                        f"A message to {plain(who)} in {plain(programme.name)} could not be delivered after {MAX_ATTEMPTS} tries. "
                        "Please check they still have Tandem, or contact them another way.")), key=f"undelivered.{item.id}")


async def persist(write: Callable[[], Awaitable[R]], attempts: int = 4) -> R:
    """A bookkeeping write after a message went out: worth a few tries while the store is busy, since
    giving up means the message may go again."""
    for attempt in range(attempts - 1):
        try:
            return await write()
        except StoreBusy:
            await asyncio.sleep(0.2 * 2 ** attempt)
    return await write()


def stored_message(item: DueItem) -> Message:
    body = item.message or {}
    return Message(text=body.get("text") or "", card=body.get("card"))


def _stub(person_id_: str, notice: str) -> Person:
    tenant, _, aad = person_id_.partition(":")
    return Person(id=person_id_, tenant_id=tenant, aad_object_id=aad, name="", pending_notices=(notice,))
