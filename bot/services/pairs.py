"""Programmes, pairings and people: creating a programme, pairing two people, knowing who is who."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any, Awaitable, Callable

from bot.domain.audit import AuditAction
from bot.domain.errors import AlreadyDone, DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.policy import AccessRole, Action, require
from bot.domain.nudges import pause_until
from bot.domain.people import Membership, Person, Role
from bot.domain.sessions import Session
from bot.domain.programmes import (
    DECLINE_WITHIN, CloseReason, Pair, Programme, allows_several, new_pair, new_programme,
    require_may_take_part,
)
from bot.domain.due import PROGRAMME_END, DueItem
from bot.domain.outbox import Outgoing
from bot.domain.uktime import uk_instant, uk_today
from bot.domain.text import person_name, plain
from bot.services.authority import pair_roles
from bot.services.calendar_sync import CalendarSync
from bot.services.context import DELIVERY, Actor, ServiceContext, Unreachable
from bot.services.nudges import NudgeService
from bot.services.retention import schedule_retention
from bot.storage.documents import DocumentExists, StorageError
from cards.pairing import paired_card
from cards.session import session_cancelled_card

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairView:
    """A pair as one member sees it."""

    pair: Pair
    role: Role
    me: Person
    partner: Person
    programme: Programme

    @property
    def names(self) -> dict[Role, str]:
        return {self.role: self.me.name or "you", self.role.other: self.partner.name or f"your {self.role.other.value}"}

    @property
    def partner_name(self) -> str:
        return self.partner.name or f"your {self.role.other.value}"


class PairService:
    def __init__(self, ctx: ServiceContext, nudges: NudgeService, calendar: CalendarSync | None = None):
        self._ctx = ctx
        self._repos = ctx.repos
        self._nudges = nudges
        self._calendar = calendar or CalendarSync(ctx)  # without Graph: does nothing (deep links)
        self._when_ended: list[Callable[[Pair, Role | None], Awaitable[None]]] = []

    # People -----------------------------------------------------------------------------------
    async def register(self, actor: Actor, conversation: dict[str, Any] | None) -> tuple[Person, tuple[str, ...]]:
        """Remember someone who opened Tandem (and how to reach them); hand back notices kept for them."""
        require(set(), Action.OWN_RECORD)  # their own record only
        delivered: list[tuple[str, ...]] = []

        def change(existing: Person | None) -> Person:
            base = existing or Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name)
            delivered[:] = [base.notices_to_tell()]
            return replace(
                base, name=actor.name or base.name, teams_user_id=actor.teams_user_id or base.teams_user_id,
                email=actor.email or base.email, conversation=conversation or base.conversation,
                contact=actor.contact or base.contact, pending_notices=(), dropped_notices=0, unanswered_nudges=0, unreachable_since=None,
                erased_at=None,  # someone whose data was erased and who comes back starts afresh
            )

        person = await self._repos.people.change(actor.id, change)
        return person, delivered[0] if delivered else ()

    async def heard_from(self, actor: Actor) -> None:
        """Any word or button press from someone answers the reminders sent to them."""
        require(set(), Action.OWN_RECORD)  # their own record only
        await self._repos.people.change(actor.id, lambda p: replace(p, unanswered_nudges=0) if p else
                                        Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name))

    async def pause_nudges(self, actor: Actor, days: int) -> Person:
        require(set(), Action.OWN_RECORD)  # their own record only
        until = pause_until(self._ctx.clock.now(), days)
        return await self._repos.people.change(actor.id, lambda p: replace(
            p or Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name), nudges_paused_until=until))

    async def resume_nudges(self, actor: Actor) -> Person:
        require(set(), Action.OWN_RECORD)  # their own record only
        return await self._repos.people.change(actor.id, lambda p: replace(
            p or Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name), nudges_paused_until=None))

    # Programmes -------------------------------------------------------------------------------
    async def create_programme(self, actor: Actor, name: str, ends_on: date | None = None) -> Programme:
        """An administrator starts a programme and is its first manager until they appoint others."""
        require({AccessRole.ADMINISTRATOR} if await self._ctx.is_admin(actor) else set(), Action.CREATE_PROGRAMME)
        now = self._ctx.clock.now()
        programme = new_programme(self._ctx.make_id(), actor.tenant_id, name, actor.id, uk_today(now), now, ends_on,
                                  self._ctx.retention_months)
        await self._repos.programmes.add(programme)
        await schedule_retention(self._ctx, programme)
        await schedule_programme_end(self._ctx, programme)
        await self._repos.people.change(
            actor.id, lambda p: (p or Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name)).managing(programme.id)
        )
        await self._ctx.audit(actor.id, AuditAction.PROGRAMME_CREATED, programme.id, programme.id)
        return programme

    async def managed_by(self, actor: Actor) -> list[Programme]:
        """The programmes the actor manages now (their own record, checked against each programme)."""
        require(set(), Action.OWN_RECORD)
        person = await self._repos.people.find(actor.id)
        if person is None:
            return []
        programmes = [await self._repos.programmes.get(pid) for pid in person.manages]
        return [p for p in programmes if p.is_manager(actor.id)]

    async def roster_size(self, actor: Actor, programme_id: str) -> int:
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.VIEW_ROSTER)
        return len(await self._repos.programmes.roster(programme_id))

    async def pair_people(self, actor: Actor, programme_id: str, mentor: Actor, mentee: Actor) -> Pair:
        """A manager pairs two people; each is told in their personal chat who their partner is."""
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.PAIR_PEOPLE)
        for who in (mentor, mentee):  # its own tenant, or one on its allow-list (a cross-sector partner)
            require_may_take_part(programme, who.tenant_id, who.guest, person_name(who.name, "They"))
        if mentor.id == mentee.id:
            raise InvalidInput(f"{person_name(mentor.name, 'They')} can't be their own mentor: a pairing needs two different people.")
        pair_id = await self._free_pair_id(programme.id, mentor.id, mentee.id)
        for who, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
            known = await self._repos.people.find(who.id)
            if known is not None and not known.may_be_paired:
                raise NotAllowed(f"{known.name or who.name} is recorded as under 18, so they can't be paired until "
                                 f"guardian consent is recorded: say guardian consent @{known.name or who.name}.")
            if known is not None:
                await self._require_room(known, who, role, programme, pair_id)
        pair = new_pair(pair_id, programme, mentor.id, mentee.id, actor.id, self._ctx.clock.now())
        ref = self._repos.pairs.pair_ref(pair.id)
        # Each step is idempotent, so a pairing interrupted part-way (the store busy) completes when retried.
        if pair.id in await self._repos.programmes.roster(programme.id) and await self._both_know(pair):
            await self._ctx.relay_now(ref)  # paired before, perhaps cut short by a fault: anything left goes now
            raise AlreadyDone(f"{person_name(mentor.name, 'They')} and {person_name(mentee.name, 'their partner')} are already paired "
                               f"in {plain(programme.name)}.")
        # Both are told by messages written with the pair itself, relayed once every step below is done
        # (or, if the pairing is cut short, by its relay item within minutes).
        told = [Outgoing(who.id, f"pair.{pair.id}.paired.{role.value}",
                         f"You've been paired in {plain(programme.name)}: your {role.other.value} is {person_name(partner.name, 'someone new')}.",
                         paired_card(pair.id, programme, role, partner.name))
                for who, role, partner in ((mentor, Role.MENTOR, mentee), (mentee, Role.MENTEE, mentor))]
        backstop = await self._ctx.before_change(ref)
        try:
            await self._repos.pairs.add(pair, told)
        except DocumentExists:
            pass
        await self._repos.programmes.add_to_roster(pair)
        for who, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
            membership = Membership(programme.id, pair.id, role)
            await self._repos.people.change(who.id, lambda p, who=who, m=membership: known_person(p, who).with_membership(m))
        await self._ctx.recheck(pair.id)
        await self._nudges.after_pairing(pair)
        await self._ctx.audit(actor.id, AuditAction.PAIR_CREATED, pair.id, programme.id)
        await self._ctx.relay_now(ref, backstop=backstop)
        return pair

    async def _free_pair_id(self, programme_id: str, mentor_id: str, mentee_id: str) -> str:
        """The id for this pairing: the same id while it is active (so a retried pairing completes), a
        fresh one once an earlier pairing of the same two people has closed (they may be paired again)."""
        attempt = 1
        while True:
            pair_id = pair_id_for(programme_id, mentor_id, mentee_id, attempt)
            try:
                existing = await self._repos.pairs.get(pair_id)
            except NotFound:
                return pair_id
            if existing.active:
                return pair_id
            attempt += 1

    async def _require_room(self, known: Person, who: Actor, role: Role, programme: Programme, pair_id: str) -> None:
        """One active pairing per person per programme, except a group programme's mentors, who take
        mentees up to their capacity: refuse kindly, saying what a manager can do."""
        active: list[tuple[Membership, Pair]] = []
        for membership in known.memberships:
            if membership.programme_id != programme.id or membership.pair_id == pair_id:
                continue
            try:
                other = await self._repos.pairs.get(membership.pair_id)
            except NotFound:
                continue
            if other.active:
                active.append((membership, other))
        if not active:
            return
        name = person_name(known.name or who.name, "They")
        if allows_several(programme, role) and all(m.role is role for m, _ in active):
            capacity = await self._capacity(known, who, programme)
            if capacity is None or len(active) < capacity:
                return
            raise NotAllowed(
                f"{name} already mentors {len(active)} {'person' if len(active) == 1 else 'people'} in "
                f"{plain(programme.name)}, as many as they said they can take ({capacity}). A higher capacity on "
                "the roster file gives them room for more.")
        membership, other = active[0]
        partner = await self._repos.people.find(other.partner_of(known.id))
        raise NotAllowed(
            f"{name} is already paired in {plain(programme.name)}, as "
            f"{membership.role.value} with {person_name(partner.name if partner else '', 'someone else')}. "
            "Someone can be in one active pairing per programme; that one ends when a no-fault close is "
            "approved on its alert card, or when the programme ends.")

    async def _capacity(self, known: Person, who: Actor, programme: Programme) -> int | None:
        """How many mentees a group mentor can take: their capacity as enrolled in the programme. None
        for someone paired by hand without enrolling: the manager pairing them decides."""
        email = (known.email or who.email or "").strip().lower()
        participant = await self._repos.participants.find(programme.id, email) if email else None
        return participant.capacity if participant is not None else None

    async def _both_know(self, pair: Pair) -> bool:
        for person_id in (pair.mentor_id, pair.mentee_id):
            person = await self._repos.people.find(person_id)
            if person is None or all(m.pair_id != pair.id for m in person.memberships):
                return False
        return True

    # Ending a pairing -------------------------------------------------------------------------
    async def close(self, actor: Actor, pair_id: str, reason: CloseReason) -> Pair:
        """A manager of the pair's programme ends it: a no-fault close approved, or someone leaving."""
        pair = await self._repos.pairs.get(pair_id)
        programme = await self._repos.programmes.get(pair.programme_id)
        await self._ctx.require_in(actor, programme, Action.CLOSE_PAIR)
        if not pair.active:
            raise AlreadyDone("This pairing has already ended.")
        ended, _ = await self.end_pairing(pair, reason)
        await self._ctx.audit(actor.id, AuditAction.PAIR_CLOSED, pair.id, programme.id, reason.value)
        return ended

    async def end_pairing(self, pair: Pair, reason: CloseReason, leaving: Role | None = None) -> tuple[Pair, int]:
        """The one way a pairing ends, whoever ends it (a manager, an erasure, the programme's end): sessions
        still to come cancelled with their calendar events, the contract closed, the pair marked closed (so
        due reminders skip it), both told kindly; sessions, contract versions and reflections are kept.
        `leaving` is the member who left, if one did: they are not messaged. Returns the closed pair and
        how many sessions were cancelled. Each step can run again, so a retry after a failure completes."""
        now = self._ctx.clock.now()
        cancelled = await self._repos.pairs.change_schedule(pair.id, lambda s: s.cancel_upcoming(leaving, now))
        for session in cancelled:
            await self._calendar.after_change(pair.id, session.id)  # never fails the close
            await retire_session_cards(self._ctx, session, "Cancelled: this pairing has ended.")
        await self._repos.pairs.change_contract(pair.id, lambda c: c.close(now))
        was_active = (await self._repos.pairs.get(pair.id)).active
        told: list[Outgoing] = []
        if was_active:  # both told kindly, by messages written with the close itself
            programme = await self._repos.programmes.get(pair.programme_id)
            for role in Role:
                if role is leaving:
                    continue
                partner = await self._repos.people.find(pair.member(role.other))
                told.append(Outgoing(pair.member(role), f"pair.{pair.id}.closed.{role.value}", closing_words(
                    reason, programme.name, role, partner.name if partner else "", len(cancelled))))
        ref = self._repos.pairs.pair_ref(pair.id)
        closed, _ = await self._ctx.change_and_tell(ref, lambda: self._repos.pairs.close(
            pair.id, reason, now, lambda _: told), recheck=pair.id)  # the re-check shows it closed in the report
        if was_active and reason in (CloseReason.NO_FAULT, CloseReason.LEFT_PROGRAMME, CloseReason.DECLINED):
            for then in self._when_ended:  # e.g. offer the programme's managers a reserve for who is left
                try:
                    await then(closed, leaving)
                except DomainError as refusal:  # the close stands whatever a follow-on says
                    log.info("after pair %s ended: %s", pair.id, refusal.message)
        return closed, len(cancelled)

    async def decline_match(self, actor: Actor, pair_id: str) -> Pair:
        """Either partner says "not for me" within DECLINE_WITHIN of being matched: the match ends, kindly,
        and the managers are offered the next best mentor for the mentee."""
        pair = await self._repos.pairs.get(pair_id)
        role = pair.role_of(actor.id)  # only the two of them; anyone else is refused
        if not pair.active:
            raise AlreadyDone("This pairing has already ended.")
        if self._ctx.clock.now() > pair.created_at + DECLINE_WITHIN:
            raise NotAllowed(f"A match can be declined in its first {DECLINE_WITHIN.days} days. To end it now, say "
                             "**no-fault close** and your programme manager will talk it through with you.")
        ended, _ = await self.end_pairing(pair, CloseReason.DECLINED)
        await self._ctx.audit(actor.id, AuditAction.PAIR_CLOSED, pair.id, pair.programme_id, f"declined by the {role.value}")
        return ended

    def when_ended(self, then: Callable[[Pair, Role | None], Awaitable[None]]) -> None:
        """Run `then(pair, leaving)` after a pairing ends early (no-fault close, someone left): set by the
        composition of services, so this service needs no knowledge of enrolment."""
        self._when_ended.append(then)

    async def end_programme(self, programme_id: str) -> int:
        """The sweep's turn once a programme has ended: its active pairings close. If its end moved later,
        wait for the new end instead. Returns how many pairings closed."""
        programme = await self._repos.programmes.get(programme_id)
        if uk_today(self._ctx.clock.now()) <= programme.ends_on:
            await schedule_programme_end(self._ctx, programme)
            return 0
        closed = 0
        for pair_id in await self._repos.programmes.roster(programme_id):
            try:
                pair = await self._repos.pairs.get(pair_id)
            except NotFound:
                continue
            if pair.active:
                await self.end_pairing(pair, CloseReason.PROGRAMME_ENDED)
                closed += 1
        return closed

    # Pairs as their members see them ----------------------------------------------------------
    async def view(self, actor: Actor, pair_id: str, action: Action = Action.VIEW_PAIR) -> PairView:
        """The pair, if the actor is in it and may take `action` on it; anyone else is refused, whatever a card said."""
        pair = await self._repos.pairs.get(pair_id)
        require(pair_roles(actor.id, pair), action)
        role = pair.role_of(actor.id)
        me = await self._repos.people.get(actor.id)
        partner = await self._repos.people.get(pair.member(role.other))
        programme = await self._repos.programmes.get(pair.programme_id)
        return PairView(pair, role, me, partner, programme)

    async def views(self, actor: Actor, include_closed: bool = False) -> list[PairView]:
        """The actor's own active pairings (and closed ones too, for steps open at any time: a concern)."""
        require(set(), Action.OWN_RECORD)
        person = await self._repos.people.find(actor.id)
        if person is None:
            return []
        views = [await self.view(actor, m.pair_id) for m in person.memberships]
        return [v for v in views if include_closed or v.pair.status.value == "active"]


def pair_id_for(programme_id: str, mentor_id: str, mentee_id: str, attempt: int = 1) -> str:
    """One active pairing of the same two people in the same roles per programme: the id says so. Once it
    closes they can be paired again, under the next id (`attempt` 2, 3...)."""
    key = f"{programme_id}|{mentor_id}|{mentee_id}" + (f"|{attempt}" if attempt > 1 else "")
    return hashlib.sha256(key.encode()).hexdigest()[:32]


async def schedule_programme_end(ctx: ServiceContext, programme: Programme) -> DueItem:
    """Put the programme's end in the due index: its pairings close on the morning after its last day."""
    item = DueItem(PROGRAMME_END, uk_instant(programme.ends_on + timedelta(days=1), time(9, 0)), "", "", detail=programme.id)
    await ctx.repos.due.schedule(item)
    return item


async def retire_session_cards(ctx: ServiceContext, session: Session, note: str) -> None:
    """Cards sent about a session that is now cancelled lose their buttons (Reschedule, Cancel)."""
    for doc in session.cards:  # through the outbox: retried, then set aside, like any message
        copy, card = DELIVERY.load(doc), session_cancelled_card(session, note)
        try:
            await ctx.update_card(copy, card, key=f"session.{session.id}.retired")
        except StorageError:  # the outbox can't record it: try it once directly (the cancellation stands)
            try:
                await ctx.messenger.update(copy, card)
            except Unreachable:
                log.info("a session card could not be updated")


def closing_words(reason: CloseReason, programme_name: str, role: Role, partner_name: str, cancelled: int) -> str:
    """What each member is told when their pairing ends: kind, and never saying whose doing it was."""
    partner = person_name(partner_name, f"your {role.other.value}")
    programme = plain(programme_name)
    opening = {
        CloseReason.NO_FAULT: f"Your pairing with {partner} in {programme} has come to a close, as agreed with your "
                              "programme manager. A no-fault close is a normal part of mentoring: nobody is to blame.",
        CloseReason.LEFT_PROGRAMME: f"Your pairing with {partner} in {programme} has ended because one of you has left "
                                    "the programme.",
        CloseReason.DATA_ERASED: f"Your pairing in {programme} has ended: your {role.other.value} has left Tandem.",
        CloseReason.PROGRAMME_ENDED: f"{programme} has come to an end, and so has your pairing with {partner}.",
        CloseReason.DECLINED: f"Your match with {partner} in {programme} won't go ahead: one of you asked for a different "
                              "match, which is fine. Your programme manager will suggest someone else.",
    }[reason]
    sessions = f" I've cancelled the {cancelled} session{'s' if cancelled != 1 else ''} you had coming up." if cancelled else ""
    return (f"{opening}{sessions} Thank you for the time you gave. Your sessions, contract and reflections stay "
            "here for you to read, and your programme manager can pair you again.")


def known_person(existing: Person | None, who: Actor) -> Person:
    """The stored person, filled in with what an @mention told us (name, UPN, how to open a chat)."""
    base = existing or Person(who.id, who.tenant_id, who.aad_object_id, who.name)
    return replace(base, name=base.name or who.name, email=base.email or who.email,
                   teams_user_id=base.teams_user_id or who.teams_user_id, contact=base.contact or who.contact)


