"""Programmes, pairings and people: creating a programme, pairing two people, knowing who is who."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.domain.audit import AuditAction
from bot.domain.errors import AlreadyDone, NotAllowed
from bot.domain.policy import AccessRole, Action, require
from bot.domain.nudges import pause_until
from bot.domain.people import Membership, Person, Role
from bot.domain.programmes import Pair, Programme, new_pair, new_programme
from bot.domain.uktime import uk_today
from bot.domain.text import person_name, plain
from bot.services.authority import pair_roles
from bot.services.context import Actor, Message, ServiceContext
from bot.services.nudges import NudgeService
from bot.services.retention import schedule_retention
from bot.storage.documents import DocumentExists
from cards.pairing import paired_card


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
    def __init__(self, ctx: ServiceContext, nudges: NudgeService):
        self._ctx = ctx
        self._repos = ctx.repos
        self._nudges = nudges

    # People -----------------------------------------------------------------------------------
    async def register(self, actor: Actor, conversation: dict[str, Any] | None) -> tuple[Person, tuple[str, ...]]:
        """Remember someone who opened Tandem (and how to reach them); hand back notices kept for them."""
        require(set(), Action.OWN_RECORD)  # their own record only
        delivered: list[tuple[str, ...]] = []

        def change(existing: Person | None) -> Person:
            base = existing or Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name)
            delivered[:] = [base.pending_notices]
            return replace(
                base, name=actor.name or base.name, teams_user_id=actor.teams_user_id or base.teams_user_id,
                email=actor.email or base.email, conversation=conversation or base.conversation,
                contact=actor.contact or base.contact, pending_notices=(), unanswered_nudges=0, unreachable_since=None,
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
        if mentor.tenant_id != programme.tenant_id or mentee.tenant_id != programme.tenant_id:
            raise NotAllowed("Both people must be in the same organisation as the programme.")
        for who in (mentor, mentee):
            known = await self._repos.people.find(who.id)
            if known is not None and not known.may_be_paired:
                raise NotAllowed(f"{known.name or who.name} is recorded as under 18, so they can't be paired until "
                                 f"guardian consent is recorded: say guardian consent @{known.name or who.name}.")
        pair = new_pair(pair_id_for(programme.id, mentor.id, mentee.id), programme, mentor.id, mentee.id, actor.id,
                        self._ctx.clock.now())
        # Each step is idempotent, so a pairing interrupted part-way (the store busy) completes when retried.
        if pair.id in await self._repos.programmes.roster(programme.id) and await self._both_know(pair):
            raise AlreadyDone(f"{person_name(mentor.name, 'They')} and {person_name(mentee.name, 'their partner')} are already paired "
                               f"in {plain(programme.name)}.")
        try:
            await self._repos.pairs.add(pair)
        except DocumentExists:
            pass
        await self._repos.programmes.add_to_roster(pair)
        for who, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
            membership = Membership(programme.id, pair.id, role)
            await self._repos.people.change(who.id, lambda p, who=who, m=membership: known_person(p, who).with_membership(m))
        await self._ctx.recheck(pair.id)
        await self._nudges.after_pairing(pair)
        await self._ctx.audit(actor.id, AuditAction.PAIR_CREATED, pair.id, programme.id)
        for who, role, partner in ((mentor, Role.MENTOR, mentee), (mentee, Role.MENTEE, mentor)):
            await self._ctx.notify(who.id, Message(
                text=f"You've been paired in {plain(programme.name)}: your {role.other.value} is {person_name(partner.name, 'someone new')}.",
                card=paired_card(pair.id, programme, role, partner.name),
            ))
        return pair

    async def _both_know(self, pair: Pair) -> bool:
        for person_id in (pair.mentor_id, pair.mentee_id):
            person = await self._repos.people.find(person_id)
            if person is None or all(m.pair_id != pair.id for m in person.memberships):
                return False
        return True

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


def pair_id_for(programme_id: str, mentor_id: str, mentee_id: str) -> str:
    """One pairing of the same two people in the same roles per programme: the id says so."""
    return hashlib.sha256(f"{programme_id}|{mentor_id}|{mentee_id}".encode()).hexdigest()[:32]


def known_person(existing: Person | None, who: Actor) -> Person:
    """The stored person, filled in with what an @mention told us (name, UPN, how to open a chat)."""
    base = existing or Person(who.id, who.tenant_id, who.aad_object_id, who.name)
    return replace(base, name=base.name or who.name, email=base.email or who.email,
                   teams_user_id=base.teams_user_id or who.teams_user_id, contact=base.contact or who.contact)


