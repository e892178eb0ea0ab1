"""Scheduling sessions and recording whether they happened; prompting the next one by the contract's cadence."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.contracts import Cadence
from bot.domain.errors import AlreadyDone
from bot.domain.people import Role
from bot.domain.sessions import Schedule, Session, SessionStatus
from bot.domain.policy import Action
from bot.domain.uktime import format_day, format_uk
from bot.domain.text import person_name
from bot.services.calendar_sync import CalendarSync
from bot.services.context import DELIVERY, Actor, Message, ServiceContext
from bot.services.nudges import NudgeService
from bot.services.pairs import PairService, PairView, retire_session_cards
from cards.reflection import reflection_prompt_card
from cards.session import next_session_card, session_confirmed_card, session_proposal_card

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
        repeated = next((s for s in (await self._ctx.repos.pairs.schedule(pair_id)).sessions
                         if s.status is SessionStatus.PROPOSED and s.proposed_by is view.role and s.starts_at == starts_at), None)
        if repeated is not None:
            proposal = repeated  # the same time proposed again (say, after a fault): finish telling the partner
        else:
            proposal = await self._ctx.repos.pairs.change_schedule(
                pair_id, lambda s: s.propose(session_id, view.role, starts_at, minutes, last_day, now, answering, moving)
            )
        verb = "suggested another time" if answering else "would like to move your session" if moving else "proposed a session"
        await self._ctx.follow_up(
            f"Your proposal for {format_uk(starts_at)} is saved, but I couldn't tell your partner yet. Propose the same time again in a minute to tell them.",
            lambda: self._ctx.notify(view.partner.id, Message(
                text=f"{person_name(view.me.name, 'Your partner')} {verb}: {format_uk(starts_at)}. Press **Accept**, or say **accept**.",
                card=session_proposal_card(pair_id, proposal, view.me.name, view.role.other),
            ), key=f"session.{pair_id}.{proposal.id}.proposed"))
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
        try:
            confirmed, _moved = await self._ctx.repos.pairs.change_schedule(
                pair_id, lambda s: _drop_first(s.accept(view.role, session_id, last_day, now))
            )
        except AlreadyDone:
            # Booked before, perhaps with the partner's message lost to a fault: finish that, then say so.
            if proposal.status is SessionStatus.CONFIRMED and proposal.proposed_by is not view.role:
                await self._tell_booked(view, pair_id, proposal)
            raise
        await self._calendar.after_change(pair_id, confirmed.id)  # never fails the booking
        # The event (and its join link) may be in the schedule now: both cards carry what is known.
        confirmed = (await self._ctx.repos.pairs.schedule(pair_id)).session(confirmed.id)
        await self._tell_booked(view, pair_id, confirmed)
        return confirmed

    async def _tell_booked(self, view: PairView, pair_id: str, confirmed: Session) -> None:
        async def tell() -> None:
            delivery = await self._ctx.notify(view.partner.id, Message(
                text=f"{person_name(view.me.name, 'Your partner')} accepted: your session is booked for {format_uk(confirmed.starts_at)}.",
                card=session_confirmed_card(pair_id, confirmed, view.names, NO_ATTENDEES),
            ), key=f"session.{pair_id}.{confirmed.id}.confirmed")
            if delivery is not None:  # so a cancellation can take the buttons off the partner's copy
                await self._ctx.repos.pairs.change_schedule(pair_id, lambda s: s.note_card(confirmed.id, DELIVERY.plain(delivery)))

        await self._ctx.follow_up(
            f"Your session is booked for {format_uk(confirmed.starts_at)}, but I couldn't tell your partner yet. Press **Accept** again in a minute to tell them.",
            tell)

    async def decline(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        declined = await self._ctx.repos.pairs.change_schedule(pair_id, lambda s: s.decline(view.role, session_id, now))
        await self._ctx.follow_up(
            "You declined that time, but I couldn't tell your partner yet. Decline it again in a minute to tell them.",
            lambda: self._ctx.notify(view.partner.id, Message(
                text=f"{person_name(view.me.name, 'Your partner')} can't make {format_uk(declined.starts_at)}. Say **schedule** to propose another time."),
                key=f"session.{pair_id}.{declined.id}.declined"))
        return declined

    async def cancel(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        try:
            cancelled = await self._ctx.repos.pairs.change_schedule(pair_id, lambda s: s.cancel(view.role, session_id, now))
        except AlreadyDone:
            before = (await self._ctx.repos.pairs.schedule(pair_id)).session(session_id)
            if before.changed_by is view.role:  # cancelled by them before: finish telling the partner
                await self._tell_cancelled(view, pair_id, before)
            raise
        await self._calendar.after_change(pair_id, cancelled.id)
        await retire_session_cards(self._ctx, cancelled, f"{person_name(view.me.name, 'Your partner')} cancelled this session.")
        await self._tell_cancelled(view, pair_id, cancelled)
        return cancelled

    async def _tell_cancelled(self, view: PairView, pair_id: str, cancelled: Session) -> None:
        await self._ctx.follow_up(
            f"The session on {format_uk(cancelled.starts_at)} is cancelled, but I couldn't tell your partner yet. Cancel it again in a minute to tell them.",
            lambda: self._ctx.recheck(pair_id),
            lambda: self._ctx.notify(view.partner.id, Message(
                text=f"{person_name(view.me.name, 'Your partner')} cancelled the session on {format_uk(cancelled.starts_at)}. Say **schedule** to propose a new time."),
                key=f"session.{pair_id}.{cancelled.id}.cancelled"))

    async def record_attendance(self, actor: Actor, pair_id: str, session_id: str, happened: bool) -> Session:
        """When both say it happened, each is asked to reflect and prompted to book the next session."""
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        before = (await self._ctx.repos.pairs.schedule(pair_id)).session(session_id)
        try:
            updated = await self._ctx.repos.pairs.change_schedule(
                pair_id, lambda s: s.record_attendance(view.role, session_id, happened, now)
            )
        except AlreadyDone:
            # Recorded before, perhaps with what follows lost to a fault: finish it (no one is told twice).
            await self._after_attendance(view, before, None)
            raise
        await self._after_attendance(view, updated, before.status)
        return updated

    async def _after_attendance(self, view: PairView, updated: Session, before: SessionStatus | None) -> None:
        """What follows a change of attendance; `before` None: the change landed earlier, so finish it all."""
        steps = []
        if updated.status is not before:
            steps.append(lambda: self._ctx.recheck(view.pair.id))
        if updated.status is SessionStatus.HELD and before is not SessionStatus.HELD:
            steps.append(lambda: self._after_held(view, updated))
        elif updated.status is SessionStatus.NOT_HELD and before is not SessionStatus.NOT_HELD:
            steps.append(lambda: self._ctx.notify(view.partner.id, Message(
                text=f"{person_name(view.me.name, 'Your partner')} says the session on {format_uk(updated.starts_at)} didn't happen. Say **schedule** to find a new time."),
                key=f"session.{view.pair.id}.{updated.id}.not-held"))
        await self._ctx.follow_up(
            "Your answer is saved, but I couldn't finish what follows it yet. Give the same answer again in a minute to finish.", *steps)

    async def _after_held(self, view: PairView, session: Session) -> None:
        _, _, cadence = await self._limits(view)
        schedule = await self._ctx.repos.pairs.schedule(view.pair.id)
        contract = await self._ctx.repos.pairs.contract(view.pair.id)
        start = contract.in_force.clauses.start_date if contract.in_force else view.programme.starts_on
        due_by = schedule.next_due_by(cadence.next_due, start)
        await self._nudges.after_held(view.pair.id, session, due_by)
        booked = schedule.booked_within(session.starts_at, due_by)
        held = f"session.{view.pair.id}.{session.id}.held"
        for person_id, partner_name in ((view.me.id, view.partner_name), (view.partner.id, view.me.name)):
            await self._ctx.notify(person_id, Message(
                text="Your session is confirmed as held. Write a private reflection while it's fresh: say **reflect**.",
                card=reflection_prompt_card(view.pair.id, session)), key=f"{held}.reflect")
            if not booked:
                await self._ctx.notify(person_id, Message(
                    text=f"Your next session is due by {format_day(due_by)}.",
                    card=next_session_card(view.pair.id, due_by, cadence.value, partner_name)), key=f"{held}.book-next")


def _drop_first(result: tuple[Schedule, Session, Session | None]) -> tuple[Schedule, tuple[Session, Session | None]]:
    schedule, confirmed, moved = result
    return schedule, (confirmed, moved)
