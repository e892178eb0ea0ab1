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

from bot.domain.errors import AlreadyDone, InvalidState
from bot.domain.roster import Roster, RosterPerson, RosterRole

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
                            exclude=self.exclude, ranking=self.ranking, wants=self.wants)


def from_roster(person: RosterPerson, programme_id: str, now: datetime) -> Participant:
    return Participant(programme_id=programme_id, email=person.email, role=person.role, status=Status.INVITED,
                       invited_at=now, name=person.name, organisation=person.organisation,
                       focus_areas=person.focus_areas, wants=person.wants, capacity=person.capacity,
                       line_manager=person.line_manager, exclude=person.exclude, ranking=person.ranking)


def merged_with_roster(existing: Participant | None, imported: Participant) -> Participant:
    """Importing a roster again updates what the file says, and keeps who has joined or left."""
    if existing is None:
        return imported
    return replace(imported, status=existing.status, person_id=existing.person_id, invited_at=existing.invited_at,
                   joined_at=existing.joined_at, left_at=existing.left_at, name=imported.name or existing.name)


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
