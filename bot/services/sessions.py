"""Scheduling sessions and recording whether they happened; prompting the next one by the contract's cadence."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.contracts import Cadence
from bot.domain.people import Role
from bot.domain.sessions import Schedule, Session, SessionStatus
from bot.domain.policy import Action
from bot.domain.uktime import format_day, format_uk
from bot.domain.text import person_name
from bot.services.calendar_sync import CalendarSync
from bot.services.context import Actor, Message, ServiceContext
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
        proposal = await self._ctx.repos.pairs.change_schedule(
            pair_id, lambda s: s.propose(session_id, view.role, starts_at, minutes, last_day, now, answering, moving)
        )
        verb = "suggested another time" if answering else "would like to move your session" if moving else "proposed a session"
        await self._ctx.notify(view.partner.id, Message(
            text=f"{person_name(view.me.name, 'Your partner')} {verb}: {format_uk(starts_at)}. Press **Accept**, or say **accept**.",
            card=session_proposal_card(pair_id, proposal, view.me.name, view.role.other),
        ))
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
        confirmed, _moved = await self._ctx.repos.pairs.change_schedule(
            pair_id, lambda s: _drop_first(s.accept(view.role, session_id, last_day, now))
        )
        await self._calendar.after_change(pair_id, confirmed.id)  # never fails the booking
        # The event (and its join link) may be in the schedule now: both cards carry what is known.
        confirmed = (await self._ctx.repos.pairs.schedule(pair_id)).session(confirmed.id)
        delivery = await self._ctx.notify(view.partner.id, Message(
            text=f"{person_name(view.me.name, 'Your partner')} accepted: your session is booked for {format_uk(confirmed.starts_at)}.",
            card=session_confirmed_card(pair_id, confirmed, view.names, NO_ATTENDEES),
        ))
        if delivery is not None:  # so a cancellation can take the buttons off the partner's copy
            await self._ctx.repos.pairs.change_schedule(pair_id, lambda s: s.note_card(confirmed.id, delivery.to_doc()))
        return confirmed

    async def decline(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        declined = await self._ctx.repos.pairs.change_schedule(pair_id, lambda s: s.decline(view.role, session_id, now))
        await self._ctx.notify(view.partner.id, Message(
            text=f"{person_name(view.me.name, 'Your partner')} can't make {format_uk(declined.starts_at)}. Say **schedule** to propose another time."))
        return declined

    async def cancel(self, actor: Actor, pair_id: str, session_id: str) -> Session:
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        cancelled = await self._ctx.repos.pairs.change_schedule(pair_id, lambda s: s.cancel(view.role, session_id, now))
        await self._ctx.recheck(pair_id)
        await self._calendar.after_change(pair_id, cancelled.id)
        await retire_session_cards(self._ctx, cancelled, f"{person_name(view.me.name, 'Your partner')} cancelled this session.")
        await self._ctx.notify(view.partner.id, Message(
            text=f"{person_name(view.me.name, 'Your partner')} cancelled the session on {format_uk(cancelled.starts_at)}. Say **schedule** to propose a new time."))
        return cancelled

    async def record_attendance(self, actor: Actor, pair_id: str, session_id: str, happened: bool) -> Session:
        """When both say it happened, each is asked to reflect and prompted to book the next session."""
        view = await self._pairs.view(actor, pair_id, Action.BOOK_SESSION)
        now = self._ctx.clock.now()
        before = (await self._ctx.repos.pairs.schedule(pair_id)).session(session_id).status
        updated = await self._ctx.repos.pairs.change_schedule(
            pair_id, lambda s: s.record_attendance(view.role, session_id, happened, now)
        )
        if updated.status is not before:
            await self._ctx.recheck(pair_id)
        if updated.status is SessionStatus.HELD and before is not SessionStatus.HELD:
            await self._after_held(view, updated)
        elif updated.status is SessionStatus.NOT_HELD and before is not SessionStatus.NOT_HELD:
            await self._ctx.notify(view.partner.id, Message(
                text=f"{person_name(view.me.name, 'Your partner')} says the session on {format_uk(updated.starts_at)} didn't happen. Say **schedule** to find a new time."))
        return updated

    async def _after_held(self, view: PairView, session: Session) -> None:
        _, _, cadence = await self._limits(view)
        schedule = await self._ctx.repos.pairs.schedule(view.pair.id)
        contract = await self._ctx.repos.pairs.contract(view.pair.id)
        start = contract.in_force.clauses.start_date if contract.in_force else view.programme.starts_on
        due_by = schedule.next_due_by(cadence.next_due, start)
        await self._nudges.after_held(view.pair.id, session, due_by)
        booked = schedule.booked_within(session.starts_at, due_by)
        for person_id, partner_name in ((view.me.id, view.partner_name), (view.partner.id, view.me.name)):
            await self._ctx.notify(person_id, Message(
                text="Your session is confirmed as held. Write a private reflection while it's fresh: say **reflect**.",
                card=reflection_prompt_card(view.pair.id, session)))
            if not booked:
                await self._ctx.notify(person_id, Message(
                    text=f"Your next session is due by {format_day(due_by)}.",
                    card=next_session_card(view.pair.id, due_by, cadence.value, partner_name)))


def _drop_first(result: tuple[Schedule, Session, Session | None]) -> tuple[Schedule, tuple[Session, Session | None]]:
    schedule, confirmed, moved = result
    return schedule, (confirmed, moved)
