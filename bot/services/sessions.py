"""Scheduling sessions and recording whether they happened; prompting the next one by the contract's cadence."""

from __future__ import annotations

import logging
from datetime import date, datetime

from bot.domain.contracts import Cadence
from bot.domain.errors import AlreadyDone
from bot.domain.outbox import Keep, Outgoing
from bot.domain.sessions import Schedule, Session, SessionStatus, attendance_settled
from bot.domain.policy import Action
from bot.domain.uktime import format_day, format_uk
from bot.domain.text import person_name
from bot.services.calendar_sync import CalendarSync
from bot.services.context import Actor, Backstop, Message, ServiceContext
from bot.services.nudges import NudgeService
from bot.services.pairs import PairService, PairView, retire_session_cards
from cards.reflection import reflection_prompt_card
from cards.session import next_session_card, session_confirmed_card, session_proposal_card

log = logging.getLogger(__name__)

DEFAULT_MINUTES = 60
# Tandem never hands one person's contact details to another (young volunteers are paired with senior
# officers): the calendar link carries no attendees; each adds their partner by name in Teams.
NO_ATTENDEES: tuple[str, ...] = ()


class SessionService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, nudges: NudgeService,
                 calendar: CalendarSync | None = None):
        self._ctx = ctx
        self._pairs = pairs
        self._nudges = nudges
        self._calendar = calendar or CalendarSync(ctx)  # without Graph: does nothing (deep links)

    async def _limits(self, view: PairView) -> tuple[date, int, Cadence]:
        """The last day a session may fall on, its default length and cadence: from the contract in force."""
        contract = await self._ctx.repos.pairs.contract(view.pair.id)
        if contract.in_force:
            c = contract.in_force.clauses
            return c.end_date, c.meeting_minutes, c.cadence
        return view.programme.ends_on, DEFAULT_MINUTES, Cadence.MONTHLY

    async def overview(self, actor: Actor, pair_id: str) -> tuple[PairView, Schedule]:
        view = await self._pairs.view(actor, pair_id)
        return view, await self._ctx.repos.pairs.schedule(pair_id)

    async def session(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        """One of the pair's sessions, live or moved out to history long ago (a late reflection's card)."""
        await self._pairs.view(actor, pair_id)
        return await self._ctx.repos.pairs.session(pair_id, session_id)

    async def check_time(self, actor: Actor, pair_id: str, starts_at: datetime, answering: str | None = None, moving: str | None = None) -> None:
        """Validate a time without proposing it, so a dialog can re-prompt before anything is written."""
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        last_day, minutes, _ = await self._limits(view)
        schedule = await self._ctx.repos.pairs.schedule(pair_id)
        schedule.propose("check", view.role, starts_at, minutes, last_day, self._ctx.clock.now(), answering, moving)

    async def propose(self, actor: Actor, pair_id: str, starts_at: datetime, answering: str | None = None, moving: str | None = None) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        view.pair.require_active()
        last_day, minutes, _ = await self._limits(view)
        now, session_id = self._ctx.clock.now(), self._ctx.make_id()
        ref = self._ctx.repos.pairs.schedule_ref(pair_id)
        repeated = next((s for s in (await self._ctx.repos.pairs.schedule(pair_id)).sessions
                         if s.status is SessionStatus.PROPOSED and s.proposed_by is view.role and s.starts_at == starts_at), None)
        if repeated is not None:
            await self._ctx.relay_now(ref)  # the same time proposed again (say, after a fault): anything left goes now
            return repeated
        verb = "suggested another time" if answering else "would like to move your session" if moving else "proposed a session"

        def tell(proposal: Session) -> list[Outgoing]:
            return [Outgoing(view.partner.id, f"session.{pair_id}.{proposal.id}.proposed",
                             f"{person_name(view.me.name, 'Your partner')} {verb}: {format_uk(starts_at)}. Press **Accept**, or say **accept**.",
                             session_proposal_card(pair_id, proposal, view.me.name, view.role.other))]

        proposal, _ = await self._ctx.change_and_tell(ref, lambda: self._ctx.repos.pairs.change_schedule(
            pair_id, lambda s: s.propose(session_id, view.role, starts_at, minutes, last_day, now, answering, moving), tell))
        return proposal

    async def accept(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        view.pair.require_active()
        last_day, _, _ = await self._limits(view)
        now = self._ctx.clock.now()
        proposal = (await self._ctx.repos.pairs.schedule(pair_id)).session(session_id)
        # Index the reminders and the "did it happen?" question first: if the confirmation then fails,
        # the sweep finds the session unconfirmed and sends nothing; the other order could lose them.
        await self._nudges.after_booking(pair_id, proposal)
        ref = self._ctx.repos.pairs.schedule_ref(pair_id)
        backstop = await self._ctx.before_change(ref)
        try:
            confirmed, _moved = await self._ctx.repos.pairs.change_schedule(
                pair_id, lambda s: _drop_first(s.accept(view.role, session_id, last_day, now)),
                lambda done: [self._booked(view, pair_id, done[0])])
        except AlreadyDone:
            # Booked before, perhaps cut short by a fault: anything still to send goes now, then say so.
            await self._tell_booked(view, pair_id, proposal, backstop)
            raise
        await self._calendar.after_change(pair_id, confirmed.id)  # never fails the booking
        # The event (and its join link) may be in the schedule now: the partner's card carries what is known.
        confirmed = (await self._ctx.repos.pairs.schedule(pair_id)).session(confirmed.id)
        await self._tell_booked(view, pair_id, confirmed, backstop)
        return confirmed

    def _booked(self, view: PairView, pair_id: str, confirmed: Session) -> Outgoing:
        # Where the card goes is kept on the session whenever it is delivered (now, or by the sweep after a
        # failed first try), so a cancellation can take the buttons off the partner's copy.
        return Outgoing(view.partner.id, f"session.{pair_id}.{confirmed.id}.confirmed",
                        f"{person_name(view.me.name, 'Your partner')} accepted: your session is booked for {format_uk(confirmed.starts_at)}.",
                        session_confirmed_card(pair_id, confirmed, view.names, NO_ATTENDEES), keep=Keep.session(pair_id, confirmed.id))

    async def _tell_booked(self, view: PairView, pair_id: str, confirmed: Session, backstop: Backstop | None = None) -> None:
        """Relay the partner's message, with the freshest card (the calendar's join link, once known)."""
        latest = self._booked(view, pair_id, confirmed)
        await self._ctx.relay_now(self._ctx.repos.pairs.schedule_ref(pair_id),
                                  fresher={latest.key: Message(latest.text, latest.card)}, backstop=backstop)

    async def decline(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        def tell(declined: Session) -> list[Outgoing]:
            return [Outgoing(view.partner.id, f"session.{pair_id}.{declined.id}.declined",
                             f"{person_name(view.me.name, 'Your partner')} can't make {format_uk(declined.starts_at)}. Say **schedule** to propose another time.")]

        declined, _ = await self._ctx.change_and_tell(self._ctx.repos.pairs.schedule_ref(pair_id), lambda: self._ctx.repos.pairs.change_schedule(
            pair_id, lambda s: s.decline(view.role, session_id, now), tell))
        return declined

    async def cancel(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        ref = self._ctx.repos.pairs.schedule_ref(pair_id)

        def tell(cancelled: Session) -> list[Outgoing]:
            return [Outgoing(view.partner.id, f"session.{pair_id}.{cancelled.id}.cancelled",
                             f"{person_name(view.me.name, 'Your partner')} cancelled the session on {format_uk(cancelled.starts_at)}. Say **schedule** to propose a new time.")]

        try:
            cancelled, _ = await self._ctx.change_and_tell(ref, lambda: self._ctx.repos.pairs.change_schedule(
                pair_id, lambda s: s.cancel(view.role, session_id, now), tell), recheck=pair_id)
        except AlreadyDone:
            await self._ctx.relay_now(ref)  # cancelled before, perhaps cut short by a fault: anything left goes now
            raise
        await self._calendar.after_change(pair_id, cancelled.id)
        await retire_session_cards(self._ctx, cancelled, f"{person_name(view.me.name, 'Your partner')} cancelled this session.")
        return cancelled

    async def record_attendance(self, actor: Actor, pair_id: str, session_id: str, happened: bool) -> Session:
        """When both say it happened, each is asked to reflect and prompted to book the next session: those
        messages are written with the answer that makes it held, in the same write."""
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        schedule = await self._ctx.repos.pairs.schedule(pair_id)
        if schedule.moved_out_may_hold(session_id):  # kept in history: what was recorded stands, and is said
            attendance_settled(await self._ctx.repos.pairs.moved_out_session(pair_id, session_id), view.role, happened)
        before = schedule.session(session_id)
        cadence, start = await self._held_terms(view) if happened else (Cadence.MONTHLY, now.date())  # only a yes makes it held
        ref = self._ctx.repos.pairs.schedule_ref(pair_id)

        def change(schedule: Schedule) -> tuple[Schedule, tuple[Session, SessionStatus, Schedule]]:
            was = schedule.session(session_id).status
            changed, updated = schedule.record_attendance(view.role, session_id, happened, now)
            return changed, (updated, was, changed)

        def tell(result: tuple[Session, SessionStatus, Schedule]) -> list[Outgoing]:
            updated, was, schedule = result
            if updated.status is SessionStatus.NOT_HELD and was is not SessionStatus.NOT_HELD:
                return [Outgoing(view.partner.id, f"session.{view.pair.id}.{updated.id}.not-held",
                                 f"{person_name(view.me.name, 'Your partner')} says the session on {format_uk(updated.starts_at)} didn't happen. Say **schedule** to find a new time.")]
            if updated.status is SessionStatus.HELD and was is not SessionStatus.HELD:
                return self._held_messages(view, updated, schedule, cadence, start)
            return []

        try:
            (updated, was, schedule), _ = await self._ctx.change_and_tell(
                ref, lambda: self._ctx.repos.pairs.change_schedule(pair_id, change, tell), recheck=pair_id)
        except AlreadyDone:
            # Recorded before, perhaps with what follows cut short by a fault: anything left goes now
            # (no one is told twice), and the reminders are scheduled (the same items again, if they were).
            await self._ctx.relay_now(ref)
            if before.status is SessionStatus.HELD:
                await self._after_held(view, before, cadence, start)
            raise
        if updated.status is SessionStatus.HELD and was is not SessionStatus.HELD:
            await self._after_held(view, updated, cadence, start, schedule)
        return updated

    async def _held_terms(self, view: PairView) -> tuple[Cadence, date]:
        """What the next due date counts by: the cadence, and the start the first session counts from."""
        contract = await self._ctx.repos.pairs.contract(view.pair.id)
        if contract.in_force:
            return contract.in_force.clauses.cadence, contract.in_force.clauses.start_date
        return Cadence.MONTHLY, view.programme.starts_on

    def _held_messages(self, view: PairView, session: Session, schedule: Schedule, cadence: Cadence,
                       start: date) -> list[Outgoing]:
        """Each of the pair: write a reflection, and (unless the next one is booked) when the next session is due."""
        due_by = schedule.next_due_by(cadence.next_due, start)
        booked = schedule.booked_within(session.starts_at, due_by)
        held = f"session.{view.pair.id}.{session.id}.held"
        messages = []
        for person_id, partner_name in ((view.me.id, view.partner_name), (view.partner.id, view.me.name)):
            messages.append(Outgoing(person_id, f"{held}.reflect",
                                     "Your session is confirmed as held. Write a private reflection while it's fresh: say **reflect**.",
                                     reflection_prompt_card(view.pair.id, session)))
            if not booked:
                messages.append(Outgoing(person_id, f"{held}.book-next", f"Your next session is due by {format_day(due_by)}.",
                                         next_session_card(view.pair.id, due_by, cadence.value, partner_name)))
        return messages

    async def _after_held(self, view: PairView, session: Session, cadence: Cadence, start: date,
                          schedule: Schedule | None = None) -> None:
        """The reflection and booking reminders (due items, scheduled alike however often this runs). They
        can't ride the schedule's write; if the store fails here the answer and its messages are recorded,
        and giving the same answer again (AlreadyDone) schedules them."""
        async def schedule_reminders() -> None:
            current = schedule or await self._ctx.repos.pairs.schedule(view.pair.id)
            await self._nudges.after_held(view.pair.id, session, current.next_due_by(cadence.next_due, start))

        await self._ctx.follow_up(
            "Your answer is saved, but I couldn't set up the reminders that follow it yet. "
            "Give the same answer again in a minute to finish.", schedule_reminders)


def _drop_first(result: tuple[Schedule, Session, Session | None]) -> tuple[Schedule, tuple[Session, Session | None]]:
    schedule, confirmed, moved = result
    return schedule, (confirmed, moved)
