"""Keeping a session's Outlook event in step with the session: booked, moved, cancelled.

The session in Tandem is the truth and is written first; the calendar follows. A note for the sweep is
written before the calendar is called, so a failure (or a crash) is retried by the scheduler until it
succeeds or is given up with a message. A refusal (consent missing, mailbox outside the access policy)
is not retried: managers are told once, and the pair keep the Teams deep link.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime, timedelta
from typing import Awaitable, TypeVar

from bot.domain.due import CALENDAR_CHECK, CALENDAR_SYNC, DueItem
from bot.domain.outbox import Outgoing
from bot.domain.sessions import Schedule, Session, SessionStatus
from bot.domain.uktime import format_uk
from bot.services.calendar import (
    Calendar, CalendarError, CalendarEventGone, CalendarNotPermitted, CalendarOff, EVENT_REF, EventRef, EventState, Invitee,
    Meeting, NoCalendar,
)
from bot.services.context import ServiceContext
from bot.storage.repositories import Tell

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4),
               timedelta(hours=12))
CHECK_EVERY = timedelta(days=1)  # look at each booked event once a day until it starts
INLINE_BUDGET_SECONDS = 8.0  # a card press must answer promptly; the sweep finishes anything slower

BOOKED, CANCELLED, NOT_PERMITTED, GAVE_UP = "booked", "cancelled", "not-permitted", "gave-up"
TERMINAL = (CANCELLED, NOT_PERMITTED, GAVE_UP)


class CalendarSync:
    def __init__(self, ctx: ServiceContext, calendar: Calendar | None = None,
                 inline_budget_seconds: float = INLINE_BUDGET_SECONDS):
        self._ctx = ctx
        self.calendar = calendar or NoCalendar()
        self._budget = inline_budget_seconds
        self._managers_told: set[str] = set()  # programmes whose managers heard about a refusal

    async def after_change(self, pair_id: str, session_id: str) -> None:
        """A session was confirmed, moved or cancelled: note the calendar work, then try it now."""
        if not self.calendar.enabled:
            return  # deep links, as before
        await self._note_retry(pair_id, session_id, attempt=1, delay=RETRY_AFTER[0])
        try:
            await self.sync(pair_id, session_id, budget=self._budget)
        except CalendarNotPermitted as refused:
            await self._refused(pair_id, session_id, refused)
        except (CalendarError, asyncio.TimeoutError) as error:
            log.warning("calendar for session %s not updated yet (%s); the sweep will retry", session_id,
                        getattr(error, "reason", "took too long"))

    async def retry(self, item: DueItem, now: datetime) -> bool:
        """The sweep's turn: try again; schedule the next attempt, or give up and say so."""
        attempt = int(item.detail or "1")
        try:
            return await self.sync(item.pair_id, item.session_id)
        except CalendarOff:
            return False
        except CalendarNotPermitted as refused:
            await self._refused(item.pair_id, item.session_id, refused)
            return False
        except CalendarError as error:
            if attempt < len(RETRY_AFTER):
                await self._note_retry(item.pair_id, item.session_id, attempt + 1, RETRY_AFTER[attempt])
                log.info("calendar for session %s: attempt %s failed (%s)", item.session_id, attempt, error.reason)
                return False
            await self._give_up(item.pair_id, item.session_id, error)
            return False

    async def sync(self, pair_id: str, session_id: str, budget: float | None = None) -> bool:
        """Make the event match the session. Idempotent: True when it changed anything.

        `budget` bounds each Graph call (not the store writes, which must not be cut off halfway).
        """
        def timed(call: Awaitable[T]) -> Awaitable[T]:
            return asyncio.wait_for(call, budget) if budget else call

        schedule = await self._ctx.repos.pairs.schedule(pair_id)
        session = schedule.session(session_id)
        state = session.calendar or {}
        if state.get("state") in TERMINAL:
            return False
        if session.status is SessionStatus.CONFIRMED and not state.get("eventId"):
            moved_from = _moved_from(schedule, session)
            ref = None
            if moved_from is not None:
                try:
                    await timed(self.calendar.reschedule(moved_from, session.starts_at, session.ends_at))
                    ref = moved_from
                except CalendarEventGone:  # deleted in Outlook meanwhile: book it afresh
                    log.info("event for session %s was gone; booking a new one", session.replaces)
            if ref is None:
                ref = await timed(self.calendar.book(await self._meeting(pair_id, session)))
            await self._note(pair_id, session_id, {**EVENT_REF.plain(ref), "state": BOOKED,
                                                   "startsAt": session.starts_at.isoformat()})
            await self._next_check(pair_id, session)
            return True
        if session.status is SessionStatus.CANCELLED and state.get("eventId"):
            await timed(self.calendar.cancel(EVENT_REF.load(state), "This mentoring session was cancelled in Tandem."))
            await self._note(pair_id, session_id, {**state, "state": CANCELLED})
            return True
        return False

    async def check(self, item: DueItem, now: datetime) -> bool:
        """Notice a decline, a move or a cancellation made in Outlook, and ask the pair (once per change)."""
        schedule = await self._ctx.repos.pairs.schedule(item.pair_id)
        session = schedule.session(item.session_id)
        state = session.calendar or {}
        if session.status is not SessionStatus.CONFIRMED or state.get("state") != BOOKED or session.starts_at <= now:
            return False
        try:
            event = await self.calendar.read(EVENT_REF.load(state))
            findings = self._findings(event, session, await self._names(item.pair_id))
        except CalendarEventGone:
            findings = ["the Outlook event has been deleted"]
        except CalendarError as error:  # try again at the next check
            log.info("could not read the event for session %s: %s", session.id, error.reason)
            findings = []
        await self._next_check(item.pair_id, session)
        signature = "; ".join(findings)
        if not findings or signature == state.get("noticed"):
            return False
        pair = await self._ctx.repos.pairs.get(item.pair_id)
        key = f"calendar.{item.pair_id}.{session.id}.noticed.{hashlib.sha256(signature.encode()).hexdigest()[:16]}"
        text = (f"Your session on {format_uk(session.starts_at)}: {signature}. It still stands in Tandem. "
                "If it no longer suits, say **schedule** to move it (or cancel it); otherwise there's nothing to do.")
        # Noted with the pair's messages in one write: noted means asked, so the next check never skips them.
        await self._note(item.pair_id, session.id, {**state, "noticed": signature},
                         lambda _: [Outgoing(person_id, key, text) for person_id in (pair.mentor_id, pair.mentee_id)])
        return True

    @staticmethod
    def _findings(event: EventState, session: Session, names: dict[str, str]) -> list[str]:
        findings = []
        if event.is_cancelled:
            findings.append("the Outlook event was cancelled")
        for address in event.declined_by():
            findings.append(f"{names.get(address, address)} declined the Outlook invitation")
        if event.moved_from(session.starts_at, session.ends_at):
            findings.append(f"the Outlook event was moved to {format_uk(event.starts_at)}")
        return findings

    async def _names(self, pair_id: str) -> dict[str, str]:
        pair = await self._ctx.repos.pairs.get(pair_id)
        people = [await self._ctx.repos.people.get(pid) for pid in (pair.mentor_id, pair.mentee_id)]
        return {p.email.lower(): p.name for p in people if p.email}

    async def _next_check(self, pair_id: str, session: Session) -> None:
        due = self._ctx.clock.now() + CHECK_EVERY
        if due < session.starts_at:
            await self._ctx.repos.due.schedule(DueItem(CALENDAR_CHECK, due, pair_id, session.id))

    async def _meeting(self, pair_id: str, session: Session) -> Meeting:
        pair = await self._ctx.repos.pairs.get(pair_id)
        mentor = await self._ctx.repos.people.get(pair.mentor_id)
        mentee = await self._ctx.repos.people.get(pair.mentee_id)
        invitees = {person.id: Invitee(person.aad_object_id, person.email, person.name) for person in (mentor, mentee)}
        proposer = invitees[pair.member(session.proposed_by)]
        return Meeting(
            subject=f"Mentoring: {mentor.name} and {mentee.name}",
            starts_at=session.starts_at, ends_at=session.ends_at,
            attendees=(invitees[mentor.id], invitees[mentee.id]), proposer=proposer,
            body="Booked in Tandem. To move or cancel it, use Tandem in Teams so you both stay in step.",
            transaction_id=f"tandem-{pair_id}-{session.id}"[:200])

    async def _note(self, pair_id: str, session_id: str, calendar: dict[str, str], tell: Tell | None = None) -> None:
        """Record the calendar's state on the session; `tell`: the messages that causes, in the same write."""
        repos = self._ctx.repos
        if tell is None:
            await repos.pairs.change_schedule(pair_id, lambda s: s.note_calendar(session_id, calendar))
            return
        await self._ctx.change_and_tell(repos.pairs.schedule_ref(pair_id), lambda: repos.pairs.change_schedule(
            pair_id, lambda s: s.note_calendar(session_id, calendar), tell))

    async def _note_retry(self, pair_id: str, session_id: str, attempt: int, delay: timedelta) -> None:
        await self._ctx.repos.due.schedule(DueItem(CALENDAR_SYNC, self._ctx.clock.now() + delay, pair_id, session_id,
                                                   detail=str(attempt)))

    async def _refused(self, pair_id: str, session_id: str, refused: CalendarNotPermitted) -> None:
        log.warning("calendar refused for session %s: %s", session_id, refused.reason)
        noted = {"state": NOT_PERMITTED, "reason": refused.reason[:500]}
        pair = await self._ctx.repos.pairs.get(pair_id)
        if pair.programme_id in self._managers_told:
            await self._note(pair_id, session_id, noted)
            return
        programme = await self._ctx.repos.programmes.get(pair.programme_id)
        text = ("Tandem could not put a session in Outlook: Microsoft Graph refused "
                f"({refused.reason}). An administrator needs to grant the app Calendars.ReadWrite with admin "
                "consent and include the mailboxes in its application access policy. Until then pairs keep "
                "the Teams link on their session card.")
        # The managers' message is written with the note; keyed by programme, so every instance tells them once.
        await self._note(pair_id, session_id, noted, lambda _: [
            Outgoing(manager, f"calendar.{pair.programme_id}.not-permitted", text) for manager in programme.managers])
        self._managers_told.add(pair.programme_id)

    async def _give_up(self, pair_id: str, session_id: str, error: CalendarError) -> None:
        log.warning("calendar for session %s given up: %s", session_id, error.reason)
        pair = await self._ctx.repos.pairs.get(pair_id)

        def tell(session: Session) -> list[Outgoing]:
            what = "cancel" if session.status is SessionStatus.CANCELLED else "add"
            text = (f"I couldn't {what} your session on {format_uk(session.starts_at)} in Outlook after several tries. "
                    "It still stands in Tandem; please update your calendar yourself (the session card has a Teams link).")
            return [Outgoing(person_id, f"calendar.{pair_id}.{session_id}.gave-up", text)
                    for person_id in (pair.mentor_id, pair.mentee_id)]

        await self._note(pair_id, session_id, {"state": GAVE_UP, "reason": error.reason[:500]}, tell)


def _moved_from(schedule: Schedule, session: Session) -> EventRef | None:
    """The event of the booked session this one moved, if it had one."""
    if not session.replaces:
        return None
    old = schedule.session(session.replaces)
    state = old.calendar or {}
    if old.status is SessionStatus.RESCHEDULED and state.get("eventId") and state.get("state") == BOOKED:
        return EVENT_REF.load(state)
    return None
