"""Enrolment and matching inside a programme: inviting people (a roster file or @mentions), their joining
by their own choice and the profile they fill in, launch-day rankings made on cards, and the manager's
match proposal (as computed, changed by them, or made by hand) and publishing it as pairs.

Nobody is matched who has not joined. Matching reads the joined participants as a roster and runs the
same deterministic matchers as the command line (bot.domain.matching). Publishing pairs people through
PairService, one pair at a time: one pair that cannot be made never stops the others, and each outcome is
returned for the manager to see.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import timedelta
from dataclasses import dataclass, replace
from typing import Sequence

from bot.domain.audit import AuditAction
from bot.domain.enrolment import (
    Participant, ProfileAnswers, Status, from_roster, joined_roster, merged_with_roster, rankable, require_joined,
    with_profile, with_ranking,
)
from bot.domain.errors import AlreadyDone, DomainError, InvalidInput, InvalidState, NotFound
from bot.domain.hand_matching import NOBODY, allowed_mentors, hand_pairs
from bot.domain.matching import (
    MatchResult, Method, ProgrammeKind, best_reserve_for, former_pairs, next_best_for, stable_matching, suggested_matching,
)
from bot.domain.outbox import Outgoing
from bot.domain.people import Role
from bot.domain.policy import Action, PersonalChatOnly, require
from bot.domain.programmes import CloseReason, Pair, PairStatus, Programme, allows_several, may_take_part, require_may_take_part
from bot.domain.roster import Roster, RosterRole, read_roster, with_line_managers
from bot.domain.text import person_name, plain
from bot.domain.uktime import uk_today
from bot.services.authority import Place
from bot.services.calendar import Invitee
from bot.services.context import INLINE_BUDGET, Actor, Delivery, Message, ServiceContext
from bot.services.line_managers import LineManagerService
from bot.services.pairs import PairService, known_person
from cards.enrolment import join_card, ranking_card, reserve_offer_card


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    summary: str  # "17 people: 8 mentees, 9 mentors (9 places), 0 reserves"


@dataclass(frozen=True)
class RosterView:
    programme: Programme
    participants: list[Participant]
    unreached: frozenset[str]  # emails of those invited whom Tandem can't message yet: waiting to open Tandem


@dataclass(frozen=True)
class Invited:
    """What inviting a team's or channel's members did, counted for the manager."""

    invited: int = 0
    reached: int = 0  # of those invited, how many have their card now (the rest get it on opening Tandem)
    already: int = 0  # already invited or taking part: left as they were
    skipped: int = 0  # the manager, anyone without a work email, and anyone the allow-list refuses (other tenants, guests)
    queued: int = 0  # of those invited, how many have their card on its way (sent by the sweep, within minutes)

    def __add__(self, other: "Invited") -> "Invited":
        return Invited(self.invited + other.invited, self.reached + other.reached, self.already + other.already,
                       self.skipped + other.skipped, self.queued + other.queued)


@dataclass(frozen=True)
class Proposal:
    programme: Programme
    method: Method | None  # None: pairs the manager chose (a changed proposal, or matching by hand)
    result: MatchResult
    names: dict[str, str]  # email -> display name
    digest: str  # of the inputs: publishing a stale proposal card is refused
    warning: str = ""  # e.g. line managers could not be checked in the directory
    roster: Roster | None = None  # the people matched (joined, not paired yet), line managers filled in
    former: frozenset[frozenset[str]] = frozenset()
    insisted: tuple[str, ...] = ()  # mentees the manager insisted on pairing again with a former partner


@dataclass(frozen=True)
class ChangeRow:
    mentee: str
    chosen: str  # the mentor proposed (or chosen), or NOBODY
    allowed: tuple[str, ...]  # mentors who may mentor them, the chosen one first
    former: tuple[str, ...]  # of those, former partners: pairing them again needs "I insist"


@dataclass(frozen=True)
class ChangeForm:
    """The manager's card for changing a proposal, or for pairing by hand: one row per mentee waiting."""

    programme: Programme
    rows: tuple[ChangeRow, ...]
    names: dict[str, str]
    capacity: dict[str, int]  # mentor -> how many mentees they can take


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
        invited = []
        for person in people:
            if not person.email:
                raise InvalidInput(f"I couldn't find the work email of {person_name(person.name, 'that person')}.")
            require_may_take_part(programme, person.tenant_id, person.guest, person_name(person.name, "They"))
            current = await self._repos.participants.find(programme.id, person.email)
            if current is not None and current.status is Status.JOINED:
                invited.append(current)
                continue
            participant, _ = await self._invite_one(programme, person, current, role)
            invited.append(participant)
        return invited

    async def invite_members(self, actor: Actor, programme_id: str, people: Sequence[Actor], role: RosterRole,
                             send_now: bool = True) -> Invited:
        """Invite one page of a team's or channel's members. Nobody stops the others: the manager themself,
        anyone without a work email, and anyone the programme's allow-list refuses are skipped, and anyone
        already invited or taking part is left as they are (so inviting a team again sends no second card).
        `send_now` False: each card is recorded in the outbox for the sweep to send (a large team's later
        pages, so the manager's turn stays within Teams' time)."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        invited = reached = already = skipped = 0
        for person in people:
            if person.id == actor.id or not person.email or not may_take_part(programme, person.tenant_id, person.guest):
                skipped += 1
                continue
            current = await self._repos.participants.find(programme.id, person.email)
            if current is not None and current.status in (Status.INVITED, Status.JOINED):
                already += 1
                continue
            _, delivery = await self._invite_one(programme, person, current, role, send_now)
            invited += 1
            reached += delivery is not None
        return Invited(invited, reached, already, skipped, queued=0 if send_now else invited)

    async def _invite_one(self, programme: Programme, person: Actor, current: Participant | None,
                          role: RosterRole, send_now: bool = True) -> tuple[Participant, Delivery | None]:
        now = self._ctx.clock.now()
        participant = replace(current, role=role, status=Status.INVITED) if current else Participant(
            programme.id, person.email.strip().lower(), role, Status.INVITED, now, name=person.name)
        participant = replace(participant, person_id=person.id, name=person.name or participant.name)
        await self._repos.participants.put(participant)
        await self._repos.people.change(person.id, lambda p, who=person: known_person(p, who))
        delivery = await self._ctx.notify(person.id, Message(
            text=f"You're invited to join {plain(programme.name)} as a {role.value}.",
            card=join_card(programme, participant)), within=INLINE_BUDGET if send_now else timedelta(0))
        return participant, delivery

    async def invitations(self, actor: Actor) -> list[tuple[Programme, Participant]]:
        """The programmes that invited this person and that they have not answered: on first opening Tandem."""
        require(set(), Action.OWN_RECORD)  # their own invitations only: found by their own email
        today = uk_today(self._ctx.clock.now())
        found = []
        for programme, participant in await self._own_programmes(actor, {Status.INVITED}):
            if today > programme.ends_on:
                continue  # an ended programme's invitation is never offered
            if not participant.person_id:  # an imported invitation: now Tandem can reach them (roster: no longer waiting)
                participant = await self._repos.participants.change(
                    programme.id, participant.email, lambda p: replace(p, person_id=p.person_id or actor.id))
            found.append((programme, participant))
        return found

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
        require_may_take_part(programme, actor.tenant_id, actor.guest)  # from the activity: nothing is enrolled
        now = self._ctx.clock.now()
        ref = self._repos.participants.ref(programme_id, participant.email)

        def tell(joined: Participant) -> list[Outgoing]:
            when = joined.joined_at.isoformat() if joined.joined_at else ""
            return [Outgoing(manager, f"joined.{programme_id}.{joined.id}.{when}.{manager}",
                             f"{person_name(actor.name, 'Someone')} joined {plain(programme.name)} as a {joined.role.value}.")
                    for manager in programme.managers]

        try:
            # The managers' messages are written with the join itself, then relayed (see change_and_tell).
            joined, _ = await self._ctx.change_and_tell(ref, lambda: self._repos.participants.change(
                programme_id, participant.email, lambda p: p.join(actor.id, actor.name, None, now), tell))
        except AlreadyDone:
            # Joined before, perhaps cut short by a fault: the managers' messages still waiting go now, and
            # the audit entry is made if it was lost, then they hear they had already joined.
            await self._ctx.relay_now(ref)
            await self._audit_joined(actor, programme, participant.email)
            raise
        await self._audit_joined(actor, programme, participant.email, joined)
        return joined

    async def _audit_joined(self, actor: Actor, programme: Programme, email: str, joined: Participant | None = None) -> None:
        """The audit entry for a join, written after the join landed, and again on every later press of
        "I agree: join". Its id is named for this join (the programme, and when it landed), so writing it
        twice keeps one entry, and a press after a fault finishes an entry that was lost. A store failure
        here says they joined and to press again (Unfinished), never "busy": the join itself is recorded."""
        async def record() -> None:
            done = joined or await self._repos.participants.find(programme.id, email)
            if done is None or done.status is not Status.JOINED or done.person_id != actor.id or done.joined_at is None:
                return
            await self._ctx.audit(actor.id, AuditAction.JOINED_PROGRAMME, actor.id, programme.id,
                                  once=f"joined.{programme.id}", at=done.joined_at)

        await self._ctx.follow_up(
            f"You joined {plain(programme.name)}, and its managers are told, but I couldn't finish recording it: "
            "press \u201cI agree: join\u201d again to finish.", record)

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
                await self._ctx.notify(manager, Message(text=f"A pairing in {plain(programme.name)} has ended. {none.message}"),
                                       key=f"reserve.{pair.id}.none.{manager}")
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

    async def roster(self, actor: Actor, programme_id: str) -> RosterView:
        """Who is taking part, and which of those invited Tandem can't message yet: never opened Tandem
        (imported from a file), or reachable only once they do (mentioned where Tandem isn't installed for them)."""
        programme, participants = await self.participants(actor, programme_id)
        unreached = set()
        for participant in participants:
            if participant.status is not Status.INVITED:
                continue
            person = await self._repos.people.find(participant.person_id) if participant.person_id else None
            if person is None or not person.conversation:
                unreached.add(participant.email)
        return RosterView(programme, participants, frozenset(unreached))

    async def proposal(self, actor: Actor, programme_id: str, method: Method = Method.SUGGESTED,
                       kind: ProgrammeKind = ProgrammeKind.TRADITIONAL) -> Proposal:
        """The matching of everyone who joined and is not already in a pair here; deterministic."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        return await self._proposal(actor, programme, method, kind)

    async def _proposal(self, actor: Actor, programme: Programme, method: Method | None, kind: ProgrammeKind) -> Proposal:
        participants = await self._repos.participants.in_programme(programme.id)
        free = with_room(programme, participants, await self._paired_people(programme))
        roster = joined_roster(free)
        warning = ""
        if self._line_managers is not None and roster.people:  # never paired with their own line manager
            people = {p.email: p for p in free}
            found = await self._line_managers.look_up(actor, programme.id, [
                Invitee(people[r.email].person_id.partition(":")[2] or r.email, r.email, r.name) for r in roster.people])
            roster, warning = with_line_managers(roster, found.managers), found.warning
        former = await self._former_pairs(programme, participants)
        if method is None:  # by hand: nothing computed; the manager chooses on the change card
            result = MatchResult(Method.SUGGESTED, (), ())
        else:
            match = stable_matching if method is Method.STABLE else suggested_matching
            result = match(roster, kind, former)
        digest = _digest([[p.email, p.role.value, p.line_manager, p.ranking, p.exclude, p.capacity, p.organisation]
                          for p in roster.people])
        return Proposal(programme, method, result, {p.email: p.name or p.email for p in participants}, digest, warning,
                        roster=roster, former=former)

    async def _former_pairs(self, programme: Programme, participants: Sequence[Participant]) -> frozenset[frozenset[str]]:
        """Who was paired with whom before in this programme (pairings that ended), by email."""
        emails = {p.person_id: p.email for p in participants if p.person_id}
        ended = []
        for pair_id in await self._repos.programmes.roster(programme.id):
            pair = await self._repos.pairs.get(pair_id)
            if pair.status is not PairStatus.ACTIVE and pair.mentor_id in emails and pair.mentee_id in emails:
                ended.append((emails[pair.mentor_id], emails[pair.mentee_id]))
        return former_pairs(ended)

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
        return await self._publish(actor, proposal)

    async def _publish(self, actor: Actor, proposal: Proposal) -> Published:
        programme_id = proposal.programme.id
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

    # The profile on joining ---------------------------------------------------------------------
    async def profile(self, actor: Actor, programme_id: str) -> tuple[Programme, Participant, list[Participant]]:
        """Their own profile in a programme, and the others taking part (whom they may ask not to be paired with)."""
        require(set(), Action.OWN_RECORD)
        participant = await self._own(actor, programme_id)
        programme = await self._repos.programmes.get(programme_id)
        others = sorted((p for p in await self._repos.participants.in_programme(programme_id)
                         if p.status is not Status.LEFT and p.email != participant.email),
                        key=lambda p: ((p.name or p.email).casefold(), p.email))
        return programme, participant, others

    async def save_profile(self, actor: Actor, programme_id: str, place: Place, answers: ProfileAnswers) -> Participant:
        """They saved their profile card: checked, then kept on their participant record. Only their own,
        and only in their personal chat (it says who they must not be paired with)."""
        require(set(), Action.OWN_RECORD)
        if not place.personal:
            raise PersonalChatOnly("Your profile is yours, so I only take it in our personal chat.")
        programme, participant, others = await self.profile(actor, programme_id)
        if participant.status is not Status.JOINED:
            raise InvalidState("Join the programme first: press \u201cI agree: join\u201d on its card.")
        emails = [p.email for p in others]
        saved = await self._repos.participants.change(programme_id, participant.email, lambda p: with_profile(
            p, answers, programme.organisations, programme.focus_areas, emails))
        await self._ctx.audit(actor.id, AuditAction.PROFILE_SAVED, actor.id, programme_id)
        return saved

    # Launch-day rankings ------------------------------------------------------------------------
    async def open_rankings(self, actor: Actor, programme_id: str) -> int:
        """Send every joined mentee and mentor a card to rank the people from the other side they met.
        Returns how many were sent one."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        if programme.matching == "by hand":
            raise InvalidState(f"{plain(programme.name)} is matched by hand, so nobody's choices are used. Change how pairs "
                               "are matched in **programme settings** first.")
        participants = await self._repos.participants.in_programme(programme_id)
        paired = await self._paired_people(programme)
        sent = 0
        for participant in participants:
            if participant.status is not Status.JOINED or participant.role is RosterRole.RESERVE or \
                    not participant.person_id or participant.person_id in paired:
                continue
            others = [p for p in rankable(participant, participants) if p.person_id not in paired]
            if not others:
                continue
            await self._ctx.notify(participant.person_id, Message(
                text=f"Who would you like to be paired with in {plain(programme.name)}? Choose up to 5, most wanted first.",
                card=ranking_card(programme, participant, others)))
            sent += 1
        return sent

    async def choices(self, actor: Actor, programme_id: str) -> tuple[Programme, Participant, list[Participant]]:
        """Their own launch-day choices so far, and the people they may rank."""
        require(set(), Action.OWN_RECORD)
        participant = await self._own(actor, programme_id)
        programme = await self._repos.programmes.get(programme_id)
        return programme, participant, rankable(participant, await self._repos.participants.in_programme(programme_id))

    async def save_ranking(self, actor: Actor, programme_id: str, place: Place, chosen: Sequence[str]) -> Participant:
        """They saved their choices: kept most wanted first, for the manager's **match stable**."""
        require(set(), Action.OWN_RECORD)
        if not place.personal:
            raise PersonalChatOnly("Whom you'd like to be paired with is private, so I only take it in our personal chat.")
        _, participant, others = await self.choices(actor, programme_id)
        if participant.status is not Status.JOINED:
            raise InvalidState("Join the programme first: press \u201cI agree: join\u201d on its card.")
        names = {p.email: p.name or p.email for p in others}
        saved = await self._repos.participants.change(programme_id, participant.email, lambda p: with_ranking(p, chosen, names))
        await self._ctx.audit(actor.id, AuditAction.RANKING_SAVED, actor.id, programme_id)
        return saved

    # The manager changes a proposal, or pairs by hand -------------------------------------------
    async def change_form(self, actor: Actor, programme_id: str, method: Method | None,
                          kind: ProgrammeKind = ProgrammeKind.TRADITIONAL,
                          chosen: dict[str, str] | None = None) -> ChangeForm:
        """One row per mentee waiting for a pair: the mentors allowed for them, prefilled with the proposal
        (`method`), or with nobody (None: by hand), or with what the manager chose (`chosen`)."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        proposal = await self._proposal(actor, programme, method, kind)
        roster = proposal.roster
        proposed = {p.mentee: p.mentor for p in proposal.result.pairs}
        proposed.update(chosen or {})
        rows = []
        for mentee in roster.mentees:
            allowed = allowed_mentors(roster, mentee.email, kind)
            pick = proposed.get(mentee.email, NOBODY)
            pick = pick if pick in allowed else NOBODY
            ordered = ([pick] if pick != NOBODY else []) + sorted(
                (m for m in allowed if m != pick), key=lambda m: (proposal.names.get(m, m).casefold(), m))
            former = tuple(m for m in ordered if frozenset((m, mentee.email)) in proposal.former)
            rows.append(ChangeRow(mentee.email, pick, tuple(ordered), former))
        return ChangeForm(programme, tuple(rows), proposal.names, {m.email: m.capacity for m in roster.mentors})

    async def change_proposal(self, actor: Actor, programme_id: str, chosen: dict[str, str], insisted: Sequence[str] = (),
                              kind: ProgrammeKind = ProgrammeKind.TRADITIONAL) -> Proposal:
        """The pairs the manager chose, checked (no line manager, no exclusion, no former partner unless they
        insisted, capacities kept), as a proposal with a fresh digest to publish."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        return await self._chosen(actor, programme, chosen, insisted, kind)

    async def _chosen(self, actor: Actor, programme: Programme, chosen: dict[str, str], insisted: Sequence[str],
                      kind: ProgrammeKind) -> Proposal:
        base = await self._proposal(actor, programme, None, kind)
        checked = hand_pairs(base.roster, {k.strip().lower(): (v or NOBODY).strip().lower() for k, v in chosen.items()},
                             kind, base.former, frozenset(e.strip().lower() for e in insisted), base.names)
        digest = _digest([base.digest, [[p.mentor, p.mentee] for p in checked.result.pairs], list(checked.insisted)])
        return replace(base, result=checked.result, digest=digest, insisted=checked.insisted)

    async def publish_chosen(self, actor: Actor, programme_id: str, chosen: dict[str, str], insisted: Sequence[str], digest: str,
                             kind: ProgrammeKind = ProgrammeKind.TRADITIONAL) -> tuple[Proposal, Published]:
        """Publish the pairs the manager chose; refused if anyone joined, left or was paired since.
        Returns the proposal as published (for the card) and what became of each pair."""
        programme = await self._managed(actor, programme_id, Action.ENROL)
        stale = InvalidInput("Someone joined, left or was paired since you chose these pairs: say **match** to start again.")
        try:
            proposal = await self._chosen(actor, programme, chosen, insisted, kind)
        except InvalidInput as changed:
            raise stale from changed
        if proposal.digest != digest:
            raise stale
        return proposal, await self._publish(actor, proposal)

    async def _actor_for(self, participant: Participant) -> Actor:
        person = await self._repos.people.find(participant.person_id)
        if person is None:
            raise NotFound(f"{participant.name or participant.email} hasn't opened Tandem yet.")
        return Actor(tenant_id=person.tenant_id, aad_object_id=person.aad_object_id, name=person.name,
                     teams_user_id=person.teams_user_id, email=person.email, contact=person.contact)



def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, default=list).encode()).hexdigest()[:16]
