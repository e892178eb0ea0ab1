"""Nudges: what falls due (reminders, did-it-happen, reflect, book next, finish the contract), and
whether it may go now (quiet hours, weekends, a person's pause), and to each person at a moment that suits
them (their shift rota, or their Outlook working hours when Graph is configured: bot.domain.nudges' rule).
Someone whose moment has not come gets the nudge later, from a copy of the item for them alone."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Awaitable, Callable

from bot.domain.due import (
    ATTENDANCE_CHECK, BOOK_NEXT, FINISH_CONTRACT, REFLECT_REMINDER, REMINDER, DueItem,
)
from bot.domain.contracts import Contract
from bot.domain.nudges import Availability, QuietHours, next_nudge_moment
from bot.domain.people import Person, Role
from bot.domain.shifts import Rota, pattern_from_doc
from bot.domain.programmes import Pair
from bot.domain.sessions import Session, SessionStatus
from bot.domain.text import person_name
from bot.domain.uktime import format_day, format_uk, to_uk, uk_instant
from bot.services.calendar import Calendar, CalendarError, Invitee, NoCalendar
from bot.services.context import Message, ServiceContext
from bot.storage.documents import StorageError
from cards.contract import no_contract_card
from cards.reflection import reflection_prompt_card
from cards.session import attendance_card, next_session_card, session_reminder_card

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NudgePolicy:
    quiet: QuietHours = field(default_factory=QuietHours)
    reminders_before: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=1))
    reflect_after: timedelta = timedelta(days=2)
    book_window: timedelta = timedelta(days=7)  # the cadence window opens this long before the due date
    finish_contract_after: timedelta = timedelta(days=5)


Reached = Callable[[str], Awaitable[None]]


class Outcome(str, Enum):
    SENT = "sent"
    POSTPONED = "postponed"
    SKIPPED = "skipped"  # no longer relevant: the session moved, the reflection is written...


class NudgeService:
    def __init__(self, ctx: ServiceContext, policy: NudgePolicy, calendar: Calendar | None = None):
        self._ctx = ctx
        self.policy = policy
        self._calendar = calendar or NoCalendar()  # for working hours; without Graph, none are known

    # Scheduling: called when something happens -------------------------------------------------
    async def after_booking(self, pair_id: str, session: Session) -> None:
        for before in self.policy.reminders_before:
            due = self.policy.quiet.last_allowed_before(session.starts_at - before)
            if due > self._ctx.clock.now():
                await self._ctx.repos.due.schedule(DueItem(REMINDER, due, pair_id, session.id, detail=str(int(before.total_seconds() // 60))))
        await self._ctx.repos.due.schedule(DueItem(ATTENDANCE_CHECK, session.ends_at, pair_id, session.id))

    async def after_held(self, pair_id: str, session: Session, next_due: date) -> None:
        # From when it was recorded as held, not from now: done again after a fault, it schedules the same items.
        now = session.changed_at or self._ctx.clock.now()
        await self._ctx.repos.due.schedule(DueItem(REFLECT_REMINDER, now + self.policy.reflect_after, pair_id, session.id))
        opens = max(now, _morning(next_due) - self.policy.book_window)
        await self._ctx.repos.due.schedule(DueItem(BOOK_NEXT, opens, pair_id, session.id))

    async def after_pairing(self, pair: Pair) -> None:
        await self._ctx.repos.due.schedule(DueItem(FINISH_CONTRACT, pair.created_at + self.policy.finish_contract_after, pair.id, ""))

    # Delivering: called by the sweep ------------------------------------------------------------
    async def deliver(self, item: DueItem, now: datetime, reached: Reached | None = None) -> Outcome:
        """Send what is due to whoever it is for, skipping anyone this item already reached (a retry
        after a partial failure); `reached` records each recipient as soon as they are messaged."""
        if not self.policy.quiet.allows(now):  # (a reminder postponed past its session's start is dropped then as stale)
            later = self.policy.quiet.next_allowed(now)
            await self._ctx.repos.due.schedule(replace(item, due_at=later))
            return Outcome.POSTPONED
        pair = await self._ctx.repos.pairs.get(item.pair_id)
        if pair.status.value != "active":
            return Outcome.SKIPPED
        people = {p.id: p for p in [await self._ctx.repos.people.get(pair.member(role)) for role in Role]}
        names = {role: people[pair.member(role)].name or f"your {role.value}" for role in Role}
        messages = await self._messages(item, pair, names, now)
        if not messages:
            return Outcome.SKIPPED
        waiting: dict[datetime, list[str]] = {}
        sent = 0
        for person_id, message in messages:
            if item.only_to and person_id not in item.only_to:
                continue  # a copy postponed for someone else
            if not people[person_id].nudgeable(now) or person_id in item.sent_to:
                continue
            moment = await self._moment_for(people[person_id], now)
            if moment > now:
                if item.kind == REMINDER and moment >= await self._starts_at(item):
                    continue  # their next moment is after the session has started: too late to remind
                waiting.setdefault(moment, []).append(person_id)
                continue
            sent += 1
            # Sent directly: this item, claimed and renewed by the sweep, with a sent mark per recipient, is
            # the outbox record for its nudges (a second outbox item would hold a lease of its own).
            await self._ctx.deliver(person_id, message)
            if reached is not None:
                await reached(person_id)
            try:
                await self._ctx.repos.people.change(person_id, lambda p: replace(
                    p, unanswered_nudges=p.unanswered_nudges + 1, last_nudged_at=now))
            except StorageError:
                # It was sent: failing the item now would send it again. The count is only for drift.
                log.warning("nudge %s sent, but its reminder count could not be recorded", item.id)
        for moment, person_ids in waiting.items():
            await self._ctx.repos.due.schedule(replace(item, due_at=moment, only_to=tuple(person_ids), sent_to=()))
        if waiting and not sent:
            return Outcome.POSTPONED
        try:
            await self._ctx.recheck(pair.id)  # silence after two reminders is drift
        except StorageError:
            log.warning("nudge %s sent, but its drift re-check could not be queued", item.id)
        return Outcome.SENT

    async def _moment_for(self, person: Person, now: datetime) -> datetime:
        """This person's next moment for a nudge: their rota, else their Outlook working hours if known."""
        pattern = pattern_from_doc(person.shift_pattern)
        rota = pattern if isinstance(pattern, Rota) else None
        hours = None
        if rota is None and self._calendar.enabled:
            try:
                hours = (await self._calendar.mailbox_settings(Invitee(person.aad_object_id, person.email, person.name))).working_hours
            except CalendarError as error:  # not known: the quiet hours alone decide
                log.info("working hours unavailable for a nudge: %s", error.reason)
        return next_nudge_moment(self.policy.quiet, Availability(rota, hours), now)

    async def _starts_at(self, item: DueItem) -> datetime:
        return (await self._ctx.repos.pairs.schedule(item.pair_id)).session(item.session_id).starts_at

    async def _messages(self, item: DueItem, pair: Pair, names: dict[Role, str], now: datetime) -> list[tuple[str, Message]]:
        """Who gets what, if this nudge still fits where the pair stands (reading only what it needs)."""
        repos = self._ctx.repos
        both = (Role.MENTOR, Role.MENTEE)
        if item.kind == FINISH_CONTRACT:
            return self._finish_contract(pair, await repos.pairs.contract(pair.id), names)
        schedule = await repos.pairs.schedule(pair.id)
        if item.kind in (REMINDER, ATTENDANCE_CHECK):
            session = schedule.session(item.session_id)
            if session.status is not SessionStatus.CONFIRMED:
                return []  # cancelled, moved (a move is a new session) or already reported
            if item.kind == REMINDER:
                if session.starts_at <= now:
                    log.info("stale reminder %s dropped: its session has already started", item.id)
                    return []
                when = "tomorrow" if to_uk(session.starts_at).date() != to_uk(now).date() else "today"
                return [(pair.member(r), Message(
                            text=f"Reminder: your mentoring session with {person_name(names[r.other])} is {when}, {format_uk(session.starts_at)}.",
                            card=session_reminder_card(pair.id, session, names[r.other], when)))
                        for r in both]
            return [(pair.member(r), Message(text="Your session's time has passed. Did it happen?",
                                             card=attendance_card(pair.id, session, names[r.other])))
                    for r in both if r.value not in session.attendance]
        if item.kind == REFLECT_REMINDER:
            written = {r.author_id for r in [*await repos.reflections.by_author(pair.mentor_id), *await repos.reflections.by_author(pair.mentee_id)]
                       if r.session_id == item.session_id}
            session = schedule.session(item.session_id)
            return [(pair.member(r), Message(text="A short private reflection on your last session helps it stick.",
                                             card=reflection_prompt_card(pair.id, session)))
                    for r in both if pair.member(r) not in written]
        if item.kind == BOOK_NEXT:
            contract = await repos.pairs.contract(pair.id)
            if contract.in_force is None:
                return []
            cadence = contract.in_force.clauses.cadence
            due_by = schedule.next_due_by(cadence.next_due, contract.in_force.clauses.start_date)
            if schedule.booked_within(now, due_by):
                return []  # booked inside the cadence window; one far beyond it still leaves a gap
            return [(pair.member(r), Message(text=f"Time to book your next session: due by {format_day(due_by)}.",
                                             card=next_session_card(pair.id, due_by, cadence.value, names[r.other])))
                    for r in both]
        log.warning("unknown nudge %s", item.kind)
        return []

    @staticmethod
    def _finish_contract(pair: Pair, contract: Contract, names: dict[Role, str]) -> list[tuple[str, Message]]:
        """To whoever must act: the mentee if nothing is drafted, else whoever has to confirm."""
        if contract.in_force is not None:
            return []
        pending = contract.pending
        who = Role.MENTEE if pending is None else pending.proposed_by.other
        text = ("Your mentoring contract isn't agreed yet: a few minutes now sets up the whole programme. Say **contract**."
                if pending is None else f"{person_name(names[pending.proposed_by])} is waiting for you to accept or change the contract. Say **contract**.")
        card = no_contract_card(pair.id, who, names[who.other]) if pending is None else None
        return [(pair.member(who), Message(text=text, card=card))]


def _morning(day: date) -> datetime:
    return uk_instant(day, time(9, 0))
