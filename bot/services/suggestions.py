"""Suggesting session times for a pair, and keeping the shift pattern each person can set.

The window runs from a little ahead of now to the day the next session is due (or the contract ends).
Diaries come through the Calendar port: free/busy and mailbox working hours when Graph is configured,
nothing otherwise; a person's shift pattern comes from Tandem. People can always type their own time.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.domain.contracts import Cadence
from bot.domain.intervals import Interval
from bot.domain.people import Person
from bot.domain.sessions import Schedule, SessionStatus
from bot.domain.shifts import describe, pattern_from_doc, read_pattern
from bot.domain.slots import Diary, SlotPolicy, Suggestions, WorkingHours, suggest
from bot.domain.uktime import UK, uk_today
from bot.services.calendar import Calendar, CalendarError, Invitee, NoCalendar
from bot.services.context import Actor, ServiceContext
from bot.services.pairs import PairService, PairView

log = logging.getLogger(__name__)

NOTICE = timedelta(hours=12)  # nobody wants a suggestion for within the hour
FALLBACK_WINDOW = timedelta(days=14)  # when the session is already overdue


class SuggestionService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, calendar: Calendar | None = None,
                 policy: SlotPolicy = SlotPolicy()):
        self._ctx = ctx
        self._pairs = pairs
        self._calendar = calendar or NoCalendar()
        self._policy = policy

    async def set_shift_pattern(self, actor: Actor, text: str, first_day: date | None = None) -> str:
        """'EELLNN----' starting `first_day` (default today), 'ask' for 'tell me each time', 'none' to clear."""
        today = uk_today(self._ctx.clock.now())
        pattern = read_pattern(text, first_day or today)
        doc = pattern.to_doc() if pattern else None
        await self._ctx.repos.people.change(actor.id, lambda p: _with_pattern(p, actor, doc))
        return describe(pattern, today)

    async def shift_pattern(self, actor: Actor) -> str:
        """What Tandem holds about this person's shifts, in words: their own, nobody else's."""
        person = await self._ctx.repos.people.find(actor.id)
        return describe(pattern_from_doc(person.shift_pattern if person else None), uk_today(self._ctx.clock.now()))

    async def suggest(self, actor: Actor, pair_id: str) -> Suggestions:
        view = await self._pairs.view(actor, pair_id)
        view.pair.require_active()
        now = self._ctx.clock.now()
        schedule = await self._ctx.repos.pairs.schedule(view.pair.id)
        starts, ends = await self._window(view, schedule, now)
        window = Interval(starts, ends)
        me, partner = await self._diaries(view, window)
        # The pair's own sessions, booked or waiting for an answer, are busy for both (Outlook may not have
        # them: no Graph, or the event not made yet).
        taken = tuple(Interval(s.starts_at, s.ends_at) for s in schedule.sessions
                      if s.status in (SessionStatus.CONFIRMED, SessionStatus.PROPOSED) and Interval(s.starts_at, s.ends_at).overlaps(window))
        me, partner = (replace(d, busy=(*d.busy, *taken)) for d in (me, partner))
        return suggest(me, partner, starts, ends, self._policy)

    async def _window(self, view: PairView, schedule: Schedule, now: datetime) -> tuple[datetime, datetime]:
        contract = await self._ctx.repos.pairs.contract(view.pair.id)
        if contract.in_force:
            clauses = contract.in_force.clauses
            cadence, first, last_day = clauses.cadence, clauses.start_date, clauses.end_date
        else:
            cadence, first, last_day = Cadence.MONTHLY, view.programme.starts_on, view.programme.ends_on
        due_by = schedule.next_due_by(cadence.next_due, first)
        starts = now + NOTICE
        ends = datetime.combine(min(due_by, last_day) + timedelta(days=1), time(0), tzinfo=UK)
        if ends <= starts + timedelta(days=1):  # overdue or nearly: look at the next fortnight instead
            ends = min(starts + FALLBACK_WINDOW, datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UK))
        return starts, max(ends, starts)

    async def _diaries(self, view: PairView, window: Interval) -> tuple[Diary, Diary]:
        people = (view.me, view.partner)
        invitees = [Invitee(p.aad_object_id, p.email, p.name) for p in people]
        busy: dict[str, tuple] = {}
        hours: dict[str, WorkingHours | None] = {}
        if self._calendar.enabled:
            try:
                found = await self._calendar.free_busy(invitees, window.starts_at, window.ends_at)
                busy = {mailbox: tuple(b.interval for b in blocks) for mailbox, blocks in found.items()}
                for invitee in invitees:
                    hours[invitee.mailbox] = (await self._calendar.mailbox_settings(invitee)).working_hours
            except CalendarError as error:  # suggest from what Tandem knows; the diaries may disagree
                log.warning("diaries unavailable for pair %s: %s", view.pair.id, error.reason)
        return tuple(  # type: ignore[return-value]
            Diary(person.name or "your partner", busy=busy.get(invitee.mailbox, ()),
                  working_hours=hours.get(invitee.mailbox), pattern=pattern_from_doc(person.shift_pattern))
            for person, invitee in zip(people, invitees))


def _with_pattern(person: Person | None, actor: Actor, doc: dict | None) -> Person:
    base = person or Person(actor.id, actor.tenant_id, actor.aad_object_id, actor.name)
    return replace(base, shift_pattern=doc)
