"""The calendar port the services own: book, move and cancel a session's meeting, read people's diaries.

The Microsoft Graph adapter (bot/graph/) fills it when Graph is configured; `NoCalendar` keeps today's
behaviour (a Teams deep link each person saves themselves) when it is not. Times are always UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol, Sequence

from bot.domain.intervals import Interval
from bot.domain.slots import WorkingHours
from bot.storage.schema import Nested


class CalendarError(Exception):
    """The calendar side failed; the booking in Tandem stands. `reason` is safe to show an administrator."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class CalendarOff(CalendarError):
    """No calendar is configured: use the deep link."""


class CalendarNotPermitted(CalendarError):
    """Graph refused (401/403): consent missing, or the mailbox is outside the application access policy."""


class CalendarUnavailable(CalendarError):
    """Graph could not be reached, timed out or kept throttling; worth retrying later."""


class CalendarEventGone(CalendarError):
    """The event no longer exists in the organiser's mailbox (deleted in Outlook)."""


@dataclass(frozen=True)
class Invitee:
    """Someone whose diary Tandem reads or writes: their Entra object id (or UPN), address and name."""

    mailbox: str
    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class Meeting:
    subject: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    attendees: tuple[Invitee, ...]
    proposer: Invitee  # organises the event when no service mailbox is configured
    body: str = ""
    transaction_id: str = ""  # the same id on a retry never makes a second event


@dataclass(frozen=True)
class EventRef:
    """Where a booked event lives: what the services store next to the session."""

    organiser: str
    event_id: str
    join_url: str = ""
    web_link: str = ""



EVENT_REF = Nested("calendar event", EventRef)  # kept on the session it books


class Response(str, Enum):
    NONE = "none"
    ORGANIZER = "organizer"
    TENTATIVE = "tentativelyAccepted"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NOT_RESPONDED = "notResponded"

    @classmethod
    def read(cls, text: str) -> "Response":
        try:
            return cls(text)
        except ValueError:
            return cls.NONE


@dataclass(frozen=True)
class EventState:
    """The event as Outlook has it now, to notice changes and declines made outside Tandem."""

    starts_at: datetime
    ends_at: datetime
    is_cancelled: bool
    responses: dict[str, Response] = field(default_factory=dict)  # lower-cased address -> response

    def declined_by(self) -> list[str]:
        return sorted(address for address, answer in self.responses.items() if answer is Response.DECLINED)

    def moved_from(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at != starts_at or self.ends_at != ends_at


@dataclass(frozen=True)
class Busy:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    status: str = "busy"  # busy, tentative, oof, workingElsewhere

    @property
    def interval(self) -> Interval:
        return Interval(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class MailboxSettings:
    time_zone: str  # IANA name, e.g. Europe/London
    working_hours: WorkingHours | None


@dataclass(frozen=True)
class ManagerLookup:
    """`permitted` False: the tenant does not let Tandem read managers (said once in the log)."""

    permitted: bool
    manager: Invitee | None = None


class Calendar(Protocol):
    enabled: bool

    async def book(self, meeting: Meeting) -> EventRef: ...

    async def reschedule(self, event: EventRef, starts_at: datetime, ends_at: datetime) -> None: ...

    async def cancel(self, event: EventRef, comment: str) -> None: ...

    async def read(self, event: EventRef) -> EventState: ...

    async def free_busy(self, people: Sequence[Invitee], starts_at: datetime, ends_at: datetime,
                        ) -> dict[str, tuple[Busy, ...]]: ...

    async def mailbox_settings(self, person: Invitee) -> MailboxSettings: ...

    async def line_manager(self, person: Invitee) -> ManagerLookup: ...


class NoCalendar:
    """Graph is not configured: sessions keep the Teams deep link; nothing is read from diaries."""

    enabled = False

    async def book(self, meeting: Meeting) -> EventRef:
        raise CalendarOff("No calendar is configured; the session card carries a Teams link instead.")

    async def reschedule(self, event: EventRef, starts_at: datetime, ends_at: datetime) -> None:
        raise CalendarOff("No calendar is configured.")

    async def cancel(self, event: EventRef, comment: str) -> None:
        raise CalendarOff("No calendar is configured.")

    async def read(self, event: EventRef) -> EventState:
        raise CalendarOff("No calendar is configured.")

    async def free_busy(self, people: Sequence[Invitee], starts_at: datetime, ends_at: datetime,
                        ) -> dict[str, tuple[Busy, ...]]:
        return {person.mailbox: () for person in people}  # nothing known: every time is open

    async def mailbox_settings(self, person: Invitee) -> MailboxSettings:
        return MailboxSettings("Europe/London", None)

    async def line_manager(self, person: Invitee) -> ManagerLookup:
        return ManagerLookup(permitted=False)
