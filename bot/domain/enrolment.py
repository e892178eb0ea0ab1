"""Who takes part in a programme: invited (by a manager, or on an imported roster), then joined by their
own choice with consent, or gone. Only people who joined are ever matched.

A participant is known by their work email (UPN, lower-cased), which a roster gives, and once they open
Tandem also by their person id (tenant:objectId), which the activity gives. Matching reads participants
as roster people (bot.domain.roster), so a programme run from Teams and a roster file match alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Iterable

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState
from bot.domain.limits import check_length
from bot.domain.roster import Roster, RosterPerson, RosterRole
from bot.domain.text import plain

PRIVACY_NOTICE = (
    "If you join, Tandem keeps your name, work email, role and what you tell it about your mentoring. "
    "Your reflections are private to you. Your programme managers see whether your pair meets, never what "
    "you say. You can leave at any time, and you can ask for your data to be deleted."
)


class Status(str, Enum):
    INVITED = "invited"
    JOINED = "joined"
    LEFT = "left"


def email_key(email: str) -> str:
    """A stable document id for an email: no character a store refuses in an id."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Participant:
    programme_id: str
    email: str
    role: RosterRole
    status: Status
    invited_at: datetime
    name: str = ""
    person_id: str = ""  # tenant:objectId, once they have opened Tandem
    organisation: str = ""
    focus_areas: tuple[str, ...] = ()
    wants: str = ""
    capacity: int = 1
    line_manager: str = ""
    exclude: tuple[str, ...] = ()
    ranking: tuple[str, ...] = ()
    job_title: str = ""  # their role at work, as they give it on their profile
    availability: str = ""  # a note of when they are free ("Tue and Thu afternoons"); a rota is **my shifts**
    joined_at: datetime | None = None  # and consented: nobody joins without saying yes to the notice
    left_at: datetime | None = None

    @property
    def id(self) -> str:
        return f"participant.{email_key(self.email)}"

    def join(self, person_id: str, name: str, role: RosterRole | None, now: datetime) -> "Participant":
        if self.status is Status.JOINED:
            raise AlreadyDone("You've already joined this programme.")
        return replace(self, status=Status.JOINED, person_id=person_id, name=name or self.name,
                       role=role or self.role, joined_at=now, left_at=None)

    def leave(self, now: datetime) -> "Participant":
        if self.status is Status.LEFT:
            raise AlreadyDone("You've already left this programme.")
        return replace(self, status=Status.LEFT, left_at=now)

    def as_roster_person(self, line: int) -> RosterPerson:
        return RosterPerson(email=self.email, role=self.role, line=line, name=self.name, organisation=self.organisation,
                            focus_areas=self.focus_areas, capacity=self.capacity, line_manager=self.line_manager,
                            exclude=self.exclude, ranking=self.ranking, wants=self.wants,
                            availability=tuple(s.strip() for s in self.availability.split(";") if s.strip()))


def from_roster(person: RosterPerson, programme_id: str, now: datetime) -> Participant:
    return Participant(programme_id=programme_id, email=person.email, role=person.role, status=Status.INVITED,
                       invited_at=now, name=person.name, organisation=person.organisation,
                       focus_areas=person.focus_areas, wants=person.wants, capacity=person.capacity,
                       line_manager=person.line_manager, exclude=person.exclude, ranking=person.ranking,
                       availability="; ".join(person.availability))


def merged_with_roster(existing: Participant | None, imported: Participant) -> Participant:
    """Importing a roster again updates what the file says, and keeps who has joined or left."""
    if existing is None:
        return imported
    return replace(imported, status=existing.status, person_id=existing.person_id, invited_at=existing.invited_at,
                   joined_at=existing.joined_at, left_at=existing.left_at, name=imported.name or existing.name,
                   job_title=existing.job_title)


def joined_roster(participants: Iterable[Participant]) -> Roster:
    """The people who joined, as a roster to match; rankings and exclusions naming anyone else are dropped
    (they stay on the participant, and count again if that person joins)."""
    joined = sorted((p for p in participants if p.status is Status.JOINED), key=lambda p: p.email)
    emails = {p.email for p in joined}
    people = []
    for line, p in enumerate(joined, start=2):
        person = p.as_roster_person(line)
        people.append(replace(person, ranking=tuple(e for e in person.ranking if e in emails),
                              exclude=tuple(e for e in person.exclude if e in emails)))
    return Roster(tuple(people))


def require_joined(participant: Participant | None, what: str) -> Participant:
    if participant is None or participant.status is not Status.JOINED:
        raise InvalidState(f"{what} hasn't joined the programme yet.")
    return participant


# The profile a participant fills in on joining, and their launch-day choices ---------------------
MAX_JOB_TITLE = 80
MAX_WANTS = 500  # kept short enough that the profile card, refilled, stays within Teams' size
MAX_AVAILABILITY = 200
MAX_CAPACITY = 10  # mentees one mentor can take: more is a group, and the manager sets it on the roster
MAX_RANKED = 5  # launch-day choices on the ranking card: 1st to 5th


@dataclass(frozen=True)
class ProfileAnswers:
    """What the profile card sent back, as typed or chosen (checked by `with_profile`)."""

    job_title: str = ""
    organisation: str = ""
    focus_areas: tuple[str, ...] = ()
    wants: str = ""
    capacity: str = "1"
    availability: str = ""
    exclude: tuple[str, ...] = ()


def with_profile(participant: Participant, answers: ProfileAnswers, organisations: tuple[str, ...],
                 focus_choices: tuple[str, ...], others: Iterable[str]) -> Participant:
    """Their profile, checked: an organisation and focus areas from the programme's own lists (when it has
    them), a mentor's capacity a whole number from 1 to MAX_CAPACITY, and exclusions naming only other
    people in the programme. Raises InvalidInput with a kind message; nothing is half-saved."""
    organisation = check_length("your organisation", answers.organisation, MAX_JOB_TITLE)
    if organisations:
        known = {o.casefold(): o for o in organisations}
        if not organisation:
            raise InvalidInput("Please choose your organisation.")
        if organisation.casefold() not in known:
            raise InvalidInput("Please choose your organisation from the list.")
        organisation = known[organisation.casefold()]
    focus = tuple(dict.fromkeys(a.strip() for a in answers.focus_areas if a.strip()))
    if focus_choices:
        known_focus = {f.casefold(): f for f in focus_choices}
        if any(a.casefold() not in known_focus for a in focus):
            raise InvalidInput("Please choose your focus areas from the list.")
        focus = tuple(known_focus[a.casefold()] for a in focus)
    capacity = participant.capacity
    if participant.role is not RosterRole.MENTEE:
        said = (answers.capacity or "").strip() or "1"
        if not said.isdigit() or not 1 <= int(said) <= MAX_CAPACITY:
            raise InvalidInput(f"How many mentees you can take must be a whole number from 1 to {MAX_CAPACITY}.")
        capacity = int(said)
    allowed = {e.strip().lower() for e in others} - {participant.email}
    exclude = tuple(dict.fromkeys(e.strip().lower() for e in answers.exclude if e.strip()))
    if any(e not in allowed for e in exclude):
        raise InvalidInput("Please choose the people you must not be paired with from the list.")
    ranking = tuple(e for e in participant.ranking if e not in exclude)  # never rank someone you exclude
    return replace(participant, job_title=check_length("your role", answers.job_title, MAX_JOB_TITLE),
                   organisation=organisation, focus_areas=focus, wants=check_length("what you want from mentoring",
                                                                                  answers.wants, MAX_WANTS),
                   capacity=capacity, availability=check_length("when you are free", answers.availability, MAX_AVAILABILITY),
                   exclude=exclude, ranking=ranking)


def rankable(participant: Participant, participants: Iterable[Participant]) -> list[Participant]:
    """The people from the other side they may rank: joined mentees for a mentor, joined mentors for a mentee
    (reserves are kept back from launch-day matching), never anyone they excluded; in name order."""
    side = RosterRole.MENTOR if participant.role is RosterRole.MENTEE else RosterRole.MENTEE
    return sorted((p for p in participants if p.status is Status.JOINED and p.role is side
                   and p.email not in participant.exclude and p.email != participant.email),
                  key=lambda p: ((p.name or p.email).casefold(), p.email))


def with_ranking(participant: Participant, choices: Iterable[str], names: dict[str, str]) -> Participant:
    """Their launch-day choices, most wanted first (blank places skipped). `names` holds the people they may
    rank (email -> name). The same person twice is refused kindly."""
    chosen = [c.strip().lower() for c in choices if c and c.strip()]
    if len(chosen) > MAX_RANKED:
        raise InvalidInput(f"Please choose at most {MAX_RANKED} people.")
    if any(c not in names for c in chosen):
        raise InvalidInput("Someone you chose isn't in the programme any more: choose again from the lists.")
    for email in chosen:
        if chosen.count(email) > 1:
            raise InvalidInput(f"You chose {plain(names[email] or email)} more than once: choose each person once, "
                               "in the order you'd like them.")
    return replace(participant, ranking=tuple(chosen))
