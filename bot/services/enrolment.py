"""Enrolment and matching inside a programme: inviting people (a roster file or @mentions), their joining
by their own choice, and the manager's match proposal and publishing it as pairs.

Nobody is matched who has not joined. Matching reads the joined participants as a roster and runs the
same deterministic matchers as the command line (bot.domain.matching). Publishing pairs people through
PairService, one pair at a time: one pair that cannot be made never stops the others, and each outcome is
returned for the manager to see.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from bot.domain.audit import AuditAction
from bot.domain.enrolment import Participant, Status, from_roster, joined_roster, merged_with_roster, require_joined
from bot.domain.errors import DomainError, InvalidInput, NotAllowed, NotFound
from bot.domain.matching import (
    MatchResult, Method, ProgrammeKind, best_reserve_for, former_pairs, next_best_for, stable_matching, suggested_matching,
)
from bot.domain.people import Role
from bot.domain.policy import Action, require
from bot.domain.programmes import CloseReason, Pair, PairStatus, Programme, allows_several
from bot.domain.roster import RosterRole, read_roster, with_line_managers
from bot.domain.text import person_name, plain
from bot.domain.uktime import uk_today
from bot.services.calendar import Invitee
from bot.services.context import Actor, Message, ServiceContext
from bot.services.line_managers import LineManagerService
from bot.services.pairs import PairService, known_person
from cards.enrolment import join_card, reserve_offer_card


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    summary: str  # "17 people: 8 mentees, 9 mentors (9 places), 0 reserves"


@dataclass(frozen=True)
class Proposal:
    programme: Programme
    method: Method
    result: MatchResult
    names: dict[str, str]  # email -> display name
    digest: str  # of the inputs: publishing a stale proposal card is refused
    warning: str = ""  # e.g. line managers could not be checked in the directory


@dataclass(frozen=True)
class Published:
    paired: tuple[tuple[str, str], ...]  # (mentor name, mentee name)
    not_paired: tuple[tuple[str, str], ...]  # (who, why)


def with_room(programme: Programme, participants: Sequence[Participant], paired: Counter[str]) -> list[Participant]:
    """Who can still be matched, and for how many: nobody already in an active pairing here, except a group
    programme's mentors, who keep the places left of their capacity. In the other kinds a mentor takes one
    mentee whatever the roster's capacity says, as publishing pairs each person once."""
    room = []
    for p in participants:
        several = allows_several(programme, Role.MENTOR) and p.role is RosterRole.MENTOR
        places = max(p.capacity, 1) - paired[p.person_id] if several else 1 - min(paired[p.person_id], 1)
        if places > 0:
            room.append(replace(p, capacity=places))
    return room


class EnrolmentService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, line_managers: LineManagerService | None = None):
        self._ctx = ctx
        self._repos = ctx.repos
        self._pairs = pairs
        self._line_managers = line_managers

    async def _managed(self, actor: Actor, programme_id: str, action: Action) -> Programme:
        programme = await self._repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, action)
        return programme

    # Inviting -----------------------------------------------------------------------------------
    async def import_roster(self, actor: Actor, programme_id: str, data: bytes | str) -> Imported:
        """All or nothing: a file with any bad row raises RosterRejected listing every problem, and changes nothing."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        return await self.import_checked(programme, data, actor.id)

    async def import_checked(self, programme: Programme, data: bytes | str, by: str) -> Imported:
        """The import itself, for the command line (run by the force's IT, who own the store)."""
        roster = read_roster(data)  # raises RosterRejected before anything is written
        now = self._ctx.clock.now()
        existing = {p.email: p for p in await self._repos.participants.in_programme(programme.id)}
        merged = [merged_with_roster(existing.get(person.email), from_roster(person, programme.id, now))
                  for person in roster.people]
        await self._repos.participants.put_all(merged)
        await self._ctx.audit(by, AuditAction.ROSTER_IMPORTED, programme.id, programme.id)
        updated = sum(1 for p in merged if p.email in existing)
        return Imported(len(merged) - updated, updated, roster.summary())

    async def invite(self, actor: Actor, programme_id: str, people: Sequence[Actor], role: RosterRole) -> list[Participant]:
        """Invite people @mentioned in Teams: each gets a card to join (or not) in their personal chat."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        now = self._ctx.clock.now()
        invited = []
        for person in people:
            if not person.email:
                raise InvalidInput(f"I couldn't find the work email of {person_name(person.name, 'that person')}.")
            if person.tenant_id != programme.tenant_id:
                raise NotAllowed(f"{person_name(person.name, 'They')} is not in the programme's organisation.")
            current = await self._repos.participants.find(programme.id, person.email)
            if current is not None and current.status is Status.JOINED:
                invited.append(current)
                continue
            participant = replace(current, role=role, status=Status.INVITED) if current else Participant(
                programme.id, person.email.strip().lower(), role, Status.INVITED, now, name=person.name)
            participant = replace(participant, person_id=person.id, name=person.name or participant.name)
            await self._repos.participants.put(participant)
            await self._repos.people.change(person.id, lambda p, who=person: known_person(p, who))
            await self._ctx.notify(person.id, Message(
                text=f"You're invited to join {plain(programme.name)} as a {role.value}.",
                card=join_card(programme, participant)))
            invited.append(participant)
        return invited

    async def invitations(self, actor: Actor) -> list[tuple[Programme, Participant]]:
        """The programmes that invited this person and that they have not answered: on first opening Tandem."""
        require(set(), Action.OWN_RECORD)  # their own invitations only: found by their own email
        today = uk_today(self._ctx.clock.now())
        return [(programme, invited) for programme, invited in await self._own_programmes(actor, {Status.INVITED})
                if today <= programme.ends_on]  # an ended programme's invitation is never offered

    async def taking_part(self, actor: Actor) -> list[tuple[Programme, Participant]]:
        """The programmes this person is invited to or has joined (and not left)."""
        require(set(), Action.OWN_RECORD)
        return await self._own_programmes(actor, {Status.INVITED, Status.JOINED})

    async def _own_programmes(self, actor: Actor, statuses: set[Status]) -> list[tuple[Programme, Participant]]:
        email = await self._email_of(actor)
        if not email:
            return []
        found = []
        for programme_id in await self._repos.participants.programmes_inviting(email):
            participant = await self._repos.participants.find(programme_id, email)
            if participant is None or participant.status not in statuses:
                continue
            try:
                found.append((await self._repos.programmes.get(programme_id), participant))
            except NotFound:  # its records were deleted at the end of its retention
                continue
        return found

    # Joining and leaving ------------------------------------------------------------------------
    async def join(self, actor: Actor, programme_id: str) -> Participant:
        """They said yes to the notice: joined, with consent recorded now."""
        require(set(), Action.OWN_RECORD)
        participant = await self._own(actor, programme_id)
        programme = await self._repos.programmes.get(programme_id)
        now = self._ctx.clock.now()
        joined = await self._repos.participants.change(
            programme_id, participant.email, lambda p: p.join(actor.id, actor.name, None, now))
        await self._ctx.audit(actor.id, AuditAction.JOINED_PROGRAMME, actor.id, programme_id)
        for manager in programme.managers:
            await self._ctx.notify(manager, Message(
                text=f"{person_name(actor.name, 'Someone')} joined {plain(programme.name)} as a {joined.role.value}."))
        return joined

    async def leave(self, actor: Actor, programme_id: str) -> Participant:
        """They leave: never matched again here, and a pairing they are in ends cleanly (their partner is
        told kindly, and the managers are offered a reserve for them)."""
        require(set(), Action.OWN_RECORD)
        participant = await self._own(actor, programme_id)
        left = await self._repos.participants.change(
            programme_id, participant.email, lambda p: p.leave(self._ctx.clock.now()))
        for pair_id in await self._repos.programmes.roster(programme_id):
            pair = await self._repos.pairs.get(pair_id)
            if pair.status is PairStatus.ACTIVE and actor.id in (pair.mentor_id, pair.mentee_id):
                await self._pairs.end_pairing(pair, CloseReason.LEFT_PROGRAMME, leaving=pair.role_of(actor.id))
        return left

    # Reserves ---------------------------------------------------------------------------------
    async def offer_reserve(self, pair: Pair, leaving: Role | None) -> None:
        """A pairing ended early: offer the managers the best reserve for the mentee left without a mentor."""
        if leaving is Role.MENTEE:
            return
        programme = await self._repos.programmes.get(pair.programme_id)
        participants = await self._repos.participants.in_programme(programme.id)
        mentee = next((p for p in participants if p.person_id == pair.mentee_id and p.status is Status.JOINED), None)
        if mentee is None:
            return  # paired by hand, not enrolled: nothing to match from
        mentor = next((p for p in participants if p.person_id == pair.mentor_id), None)
        room = with_room(programme, participants, await self._paired_people(programme))  # a group's mentors with a place left
        free = room if any(p.email == mentee.email for p in room) else [*room, mentee]
        former = former_pairs([(mentor.email, mentee.email)] if mentor else [])
        try:
            offer = best_reserve_for(joined_roster(free), mentee.email, ProgrammeKind(programme.kind), former)
        except (NotFound, InvalidInput):
            offer = None
        try:  # no reserve fits: the best free mentor instead
            offer = offer or next_best_for(joined_roster(free), mentee.email, ProgrammeKind(programme.kind), former)
        except (NotFound, InvalidInput) as none:
            for manager in programme.managers:
                await self._ctx.notify(manager, Message(text=f"A pairing in {plain(programme.name)} has ended. {none.message}"))
            return
        reserve = next(p for p in participants if p.email == offer.mentor)
        for manager in programme.managers:
            await self._ctx.notify(manager, Message(
                text=f"A pairing in {plain(programme.name)} has ended: {'a reserve' if reserve.role is RosterRole.RESERVE else 'another mentor'} "
                     f"could mentor {person_name(mentee.name, 'the mentee')}.",
                card=reserve_offer_card(programme, reserve, mentee, offer.reasons)),
                key=f"reserve.{pair.id}.{reserve.email}.{manager}")

    async def pair_reserve(self, actor: Actor, programme_id: str, reserve_email: str, mentee_email: str) -> Pair:
        """The manager pressed the offer: the reserve becomes the mentee's mentor."""
        await self._managed(actor, programme_id, Action.ENROL)
        reserve = require_joined(await self._repos.participants.find(programme_id, reserve_email), "The reserve")
        mentee = require_joined(await self._repos.participants.find(programme_id, mentee_email), "The mentee")
        if reserve.role not in (RosterRole.RESERVE, RosterRole.MENTOR) or mentee.role is not RosterRole.MENTEE:
            raise InvalidInput("That offer is out of date: say **match** for the current proposal.")
        pair = await self._pairs.pair_people(actor, programme_id, await self._actor_for(reserve), await self._actor_for(mentee))
        await self._repos.participants.change(programme_id, reserve.email, lambda p: replace(p, role=RosterRole.MENTOR))
        return pair

    async def _email_of(self, actor: Actor) -> str:
        if actor.email:
            return actor.email.strip().lower()
        person = await self._repos.people.find(actor.id)
        return (person.email if person else "").strip().lower()

    async def _own(self, actor: Actor, programme_id: str) -> Participant:
        """Their own invitation, by their email or the person id it was sent to, never by card data."""
        email = await self._email_of(actor)
        participant = await self._repos.participants.find(programme_id, email) if email else None
        if participant is None:
            participant = next((p for p in await self._repos.participants.in_programme(programme_id)
                                if p.person_id == actor.id), None)
        if participant is None or (participant.person_id and participant.person_id != actor.id):
            raise NotFound("I can't find an invitation for you to that programme. Ask its manager to invite you.")
        return participant

    # Matching -----------------------------------------------------------------------------------
    async def participants(self, actor: Actor, programme_id: str) -> tuple[Programme, list[Participant]]:
        programme = await self._managed(actor, programme_id, Action.VIEW_ROSTER)
        return programme, await self._repos.participants.in_programme(programme_id)

    async def proposal(self, actor: Actor, programme_id: str, method: Method = Method.SUGGESTED,
                       kind: ProgrammeKind = ProgrammeKind.TRADITIONAL) -> Proposal:
        """The matching of everyone who joined and is not already in a pair here; deterministic."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        return await self._proposal(actor, programme, method, kind)

    async def _proposal(self, actor: Actor, programme: Programme, method: Method, kind: ProgrammeKind) -> Proposal:
        participants = await self._repos.participants.in_programme(programme.id)
        free = with_room(programme, participants, await self._paired_people(programme))
        roster = joined_roster(free)
        warning = ""
        if self._line_managers is not None and roster.people:  # never paired with their own line manager
            people = {p.email: p for p in free}
            found = await self._line_managers.look_up(actor, programme.id, [
                Invitee(people[r.email].person_id.partition(":")[2] or r.email, r.email, r.name) for r in roster.people])
            roster, warning = with_line_managers(roster, found.managers), found.warning
        match = stable_matching if method is Method.STABLE else suggested_matching
        result = match(roster, kind)
        digest = hashlib.sha256(json.dumps([[p.email, p.role.value, p.capacity, p.line_manager, p.ranking, p.exclude]
                                            for p in roster.people],
                                           default=list).encode()).hexdigest()[:16]
        return Proposal(programme, method, result, {p.email: p.name or p.email for p in participants}, digest, warning)

    async def _paired_people(self, programme: Programme) -> Counter[str]:
        """How many active pairings each person is in here."""
        people: Counter[str] = Counter()
        for pair_id in await self._repos.programmes.roster(programme.id):
            pair = await self._repos.pairs.get(pair_id)
            if pair.status is PairStatus.ACTIVE:
                people.update((pair.mentor_id, pair.mentee_id))
        return people

    async def publish(self, actor: Actor, programme_id: str, method: Method, digest: str,
                      kind: ProgrammeKind = ProgrammeKind.TRADITIONAL) -> Published:
        """Pair everyone in the proposal the manager reviewed; refused if the roster changed since."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        proposal = await self._proposal(actor, programme, method, kind)
        if proposal.digest != digest:
            raise InvalidInput("Someone joined, left or was paired since that proposal: say **match** for the new one.")
        participants = {p.email: p for p in await self._repos.participants.in_programme(programme_id)}
        paired, not_paired = [], []
        for suggestion in proposal.result.pairs:
            mentor, mentee = participants[suggestion.mentor], participants[suggestion.mentee]
            try:
                pair_actors = [await self._actor_for(p) for p in (mentor, mentee)]
                await self._pairs.pair_people(actor, programme_id, *pair_actors)
                paired.append((mentor.name or mentor.email, mentee.name or mentee.email))
            except DomainError as refusal:  # one pair that cannot be made never stops the others
                not_paired.append((f"{mentor.name or mentor.email} and {mentee.name or mentee.email}", refusal.message))
        await self._ctx.audit(actor.id, AuditAction.PAIRS_PUBLISHED, programme_id, programme_id)
        return Published(tuple(paired), tuple(not_paired))

    async def _actor_for(self, participant: Participant) -> Actor:
        person = await self._repos.people.find(participant.person_id)
        if person is None:
            raise NotFound(f"{participant.name or participant.email} hasn't opened Tandem yet.")
        return Actor(tenant_id=person.tenant_id, aad_object_id=person.aad_object_id, name=person.name,
                     teams_user_id=person.teams_user_id, email=person.email, contact=person.contact)

