"""Mentoring sessions: proposing a time, answering, rescheduling, cancelling, and recording whether it happened."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, NoReturn

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState, NotAllowed, NotFound
from bot.domain.limits import ANSWERED_PROPOSAL_DAYS, SESSION_HORIZON_DAYS
from bot.domain.people import Role
from bot.domain.uktime import format_day, format_uk, to_uk

MIN_NOTICE = timedelta(minutes=30)


class SessionStatus(str, Enum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    COUNTERED = "countered"  # the partner proposed another time instead
    RESCHEDULED = "rescheduled"  # a confirmed session moved to a newer one
    CANCELLED = "cancelled"
    HELD = "held"
    NOT_HELD = "not held"


OPEN = (SessionStatus.PROPOSED, SessionStatus.CONFIRMED)
ANSWERED = (SessionStatus.DECLINED, SessionStatus.COUNTERED)  # proposals the partner answered with a no or another time
FINISHED = (SessionStatus.RESCHEDULED, SessionStatus.CANCELLED, SessionStatus.HELD, SessionStatus.NOT_HELD)
NO_SUCH_SESSION = "I can't find that session. It may have been replaced; say **sessions** to see them."


@dataclass(frozen=True)
class Session:
    id: str
    starts_at: datetime  # UTC
    minutes: int
    proposed_by: Role
    proposed_at: datetime
    status: SessionStatus
    replaces: str | None = None  # the confirmed session this one would move, if a reschedule
    attendance: dict[str, bool] = field(default_factory=dict)  # role value -> did it happen?
    changed_by: Role | None = None
    changed_at: datetime | None = None
    calendar: dict[str, str] | None = None  # the Outlook event behind it, when a calendar is configured
    cards: tuple[dict[str, Any], ...] = ()  # where its "booked" card was sent, to retire it when cancelled

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    def overlaps(self, starts_at: datetime, minutes: int) -> bool:
        return starts_at < self.ends_at and self.starts_at < starts_at + timedelta(minutes=minutes)

    def describe(self) -> str:
        return f"{format_uk(self.starts_at)} ({self.minutes} min)"


@dataclass(frozen=True)
class Schedule:
    """One pair's live sessions in one document, so clash checks and answers are atomic: everything open,
    everything recent, and the last one held. Sessions settled long ago (`settled`) are kept apart as
    history (`with_history`), so the document stays small however long the pair meets."""

    pair_id: str
    sessions: tuple[Session, ...] = ()
    moved_out: int = 0  # sessions kept apart as history, so a reader knows whether to look there

    def session(self, session_id: str) -> Session:
        for s in self.sessions:
            if s.id == session_id:
                return s
        raise NotFound(NO_SUCH_SESSION)

    def moved_out_may_hold(self, session_id: str) -> bool:
        """True when the session is not here but some have moved out to history: it may be one of them."""
        return bool(self.moved_out) and all(s.id != session_id for s in self.sessions)

    def _with(self, *changed: Session) -> "Schedule":
        by_id = {s.id: s for s in changed}
        kept = tuple(by_id.pop(s.id, s) for s in self.sessions)
        return replace(self, sessions=kept + tuple(by_id.values()))

    def _check_time(self, starts_at: datetime, minutes: int, last_day: date, now: datetime, ignore: set[str]) -> None:
        if starts_at < now + MIN_NOTICE:
            raise InvalidInput("That time has passed (or is less than 30 minutes away). Please pick a time in the future.")
        if to_uk(starts_at).date() > last_day:
            raise InvalidInput(f"That's after your contract ends on {format_day(last_day)}. Please pick an earlier date.")
        for other in self.sessions:
            if other.status is SessionStatus.CONFIRMED and other.id not in ignore and other.overlaps(starts_at, minutes):
                raise InvalidInput(f"That clashes with your session already booked for {other.describe()}. Please pick another time.")

    def propose(
        self, session_id: str, role: Role, starts_at: datetime, minutes: int, last_day: date, now: datetime,
        answering: str | None = None, moving: str | None = None,
    ) -> tuple["Schedule", Session]:
        """Propose a time: a new session, a counter-proposal to `answering`, or a move of confirmed `moving`."""
        changed: list[Session] = []
        replaces = moving
        if answering:
            original = self.session(answering)
            if original.status is not SessionStatus.PROPOSED:
                raise InvalidState(f"That proposal is already {original.status.value}.")
            if original.proposed_by is role:
                raise NotAllowed("That's your own proposal; cancel it or wait for your partner.")
            changed.append(replace(original, status=SessionStatus.COUNTERED, changed_by=role, changed_at=now))
            replaces = original.replaces
        if moving:
            original = self.session(moving)
            if original.status is not SessionStatus.CONFIRMED:
                raise InvalidState(f"Only a booked session can be moved; that one is {original.status.value}.")
            if original.ends_at <= now:
                raise InvalidState("That session's time has passed; tell me whether it happened instead.")
        ignore = {replaces} if replaces else set()
        self._check_time(starts_at, minutes, last_day, now, ignore)
        proposal = Session(session_id, starts_at, minutes, role, now, SessionStatus.PROPOSED, replaces=replaces)
        return self._with(*changed, proposal), proposal

    def accept(self, role: Role, session_id: str, last_day: date, now: datetime) -> tuple["Schedule", Session, Session | None]:
        """Confirm a proposal. Returns the confirmed session and the one it moved, if any."""
        proposal = self.session(session_id)
        if proposal.status is SessionStatus.CONFIRMED:
            raise AlreadyDone("That session is already booked.")
        if proposal.status is not SessionStatus.PROPOSED:
            raise InvalidState(f"That proposal was {proposal.status.value}, so it can't be accepted.")
        if proposal.proposed_by is role:
            raise NotAllowed("That's your own proposal: your partner needs to accept it.")
        ignore = {proposal.replaces} if proposal.replaces else set()
        self._check_time(proposal.starts_at, proposal.minutes, last_day, now, ignore)
        confirmed = replace(proposal, status=SessionStatus.CONFIRMED, changed_by=role, changed_at=now)
        moved = None
        if proposal.replaces:
            old = self.session(proposal.replaces)
            if old.status is SessionStatus.CONFIRMED:
                moved = replace(old, status=SessionStatus.RESCHEDULED, changed_by=role, changed_at=now)
        return self._with(confirmed, *([moved] if moved else [])), confirmed, moved

    def decline(self, role: Role, session_id: str, now: datetime) -> tuple["Schedule", Session]:
        proposal = self.session(session_id)
        if proposal.status is SessionStatus.DECLINED:
            raise AlreadyDone("You've already declined that time.")
        if proposal.status is not SessionStatus.PROPOSED:
            raise InvalidState(f"That proposal is already {proposal.status.value}.")
        if proposal.proposed_by is role:
            raise NotAllowed("That's your own proposal; you can cancel it instead.")
        declined = replace(proposal, status=SessionStatus.DECLINED, changed_by=role, changed_at=now)
        return self._with(declined), declined

    def cancel(self, role: Role, session_id: str, now: datetime) -> tuple["Schedule", Session]:
        target = self.session(session_id)
        if target.status is SessionStatus.CANCELLED:
            raise AlreadyDone("That session is already cancelled.")
        if target.status not in OPEN:
            raise InvalidState(f"That session is {target.status.value}, so it can't be cancelled.")
        if target.status is SessionStatus.CONFIRMED and target.starts_at <= now:
            raise InvalidState("That session has started; tell me whether it happened instead.")
        cancelled = replace(target, status=SessionStatus.CANCELLED, changed_by=role, changed_at=now)
        return self._with(cancelled), cancelled

    def cancel_upcoming(self, role: Role | None, now: datetime) -> tuple["Schedule", tuple[Session, ...]]:
        """Cancel every proposed or booked session still to come (a pairing ending): the ones cancelled.
        `role` is who ended it, or None when nobody in the pair did (a manager, the programme's end)."""
        cancelled = tuple(replace(s, status=SessionStatus.CANCELLED, changed_by=role, changed_at=now)
                          for s in self.sessions if s.status in OPEN and s.starts_at > now)
        return self._with(*cancelled), cancelled

    def record_attendance(self, role: Role, session_id: str, happened: bool, now: datetime) -> tuple["Schedule", Session]:
        """Each side says whether the session happened: held when both say yes, not held if either says no."""
        target = self.session(session_id)
        if target.status in (SessionStatus.HELD, SessionStatus.NOT_HELD):
            if target.attendance.get(role.value) == happened:
                raise AlreadyDone(f"Already recorded: the session {target.status.value}.")
        elif target.status is not SessionStatus.CONFIRMED:
            raise InvalidState(f"That session was {target.status.value}.")
        if target.starts_at > now:
            raise InvalidState("That session hasn't started yet.")
        attendance = {**target.attendance, role.value: happened}
        if not all(attendance.values()):
            status = SessionStatus.NOT_HELD
        elif len(attendance) == len(Role):
            status = SessionStatus.HELD
        else:
            status = SessionStatus.CONFIRMED
        updated = replace(target, attendance=attendance, status=status, changed_by=role, changed_at=now)
        return self._with(updated), updated

    def note_calendar(self, session_id: str, calendar: dict[str, str]) -> tuple["Schedule", Session]:
        """Record what the calendar side holds for a session (its event, or why it could not be made)."""
        noted = replace(self.session(session_id), calendar=dict(calendar))
        return self._with(noted), noted

    def note_card(self, session_id: str, delivery: dict[str, Any]) -> tuple["Schedule", Session]:
        """Remember where a card about this session was sent, so it can be updated when the session changes
        (once: a card already noted, by its activity id, is not noted again)."""
        target = self.session(session_id)
        if any(card.get("activityId") == delivery.get("activityId") for card in target.cards):
            return self, target
        noted = replace(target, cards=target.cards + (dict(delivery),))
        return self._with(noted), noted

    def upcoming(self, now: datetime) -> list[Session]:
        return sorted((s for s in self.sessions if s.status in OPEN and s.ends_at > now), key=lambda s: s.starts_at)

    def awaiting_outcome(self, now: datetime, role: Role | None = None) -> list[Session]:
        """Sessions whose time has come and gone but which not everyone has reported on."""
        return sorted(
            (s for s in self.sessions
             if s.status is SessionStatus.CONFIRMED and s.starts_at <= now
             and (role is None or role.value not in s.attendance)),
            key=lambda s: s.starts_at,
        )

    def booked_within(self, after: datetime, due_by: date) -> bool:
        """Whether a session after `after` is booked (or proposed) inside the cadence window: on or before
        the day the next one is due. One booked months away does not count: the pair still need one sooner."""
        return any(s.status in OPEN and s.starts_at > after and to_uk(s.starts_at).date() <= due_by
                   for s in self.sessions)

    def held(self) -> list[Session]:
        return sorted((s for s in self.sessions if s.status is SessionStatus.HELD), key=lambda s: s.starts_at)

    def settled(self) -> tuple[Session, ...]:
        """Sessions that are over and past the horizon, reckoned from the schedule's latest change (so no
        clock is needed): answered proposals a week on, held, cancelled or moved ones after 60 days. The
        last session held stays, as the cadence counts from it."""
        changes = [s.changed_at or s.proposed_at for s in self.sessions]
        if not changes:
            return ()
        latest = max(changes)
        held = self.held()
        last_held = held[-1].id if held else None

        def settled(s: Session) -> bool:
            changed = s.changed_at or s.proposed_at
            if s.status in ANSWERED:
                return changed <= latest - timedelta(days=ANSWERED_PROPOSAL_DAYS)
            return (s.status in FINISHED and s.id != last_held
                    and max(changed, s.ends_at) <= latest - timedelta(days=SESSION_HORIZON_DAYS))

        return tuple(s for s in self.sessions if settled(s))

    def without(self, moved: tuple[Session, ...]) -> "Schedule":
        """The schedule without sessions now kept in history (only those still exactly as moved)."""
        gone = {s.id for s in self.settled() if s in moved}
        return replace(self, sessions=tuple(s for s in self.sessions if s.id not in gone), moved_out=self.moved_out + len(gone))

    def with_history(self, earlier: tuple[Session, ...]) -> "Schedule":
        """Every session the pair ever had (for history, export, the report and CPD records)."""
        live = {s.id for s in self.sessions}
        return replace(self, sessions=tuple(s for s in earlier if s.id not in live) + self.sessions)

    def next_due_by(self, cadence_next_due, contract_start: date) -> date:
        """When the next session should happen: one cadence after the last held one, or after the start."""
        held = self.held()
        last = to_uk(held[-1].starts_at).date() if held else contract_start
        return cadence_next_due(last)


def attendance_settled(session: Session, role: Role, happened: bool) -> NoReturn:
    """An answer to "did it happen?" about a session kept in history (it ended over SESSION_HORIZON_DAYS ago):
    what was recorded stands, so nothing changes and the person is told why. A late reflection on a held one
    is still welcome (ReflectionService.write finds it there)."""
    status = session.status.value
    if session.status not in (SessionStatus.HELD, SessionStatus.NOT_HELD):
        raise InvalidState(f"That session was {status}.")
    if session.attendance.get(role.value) == happened:
        raise AlreadyDone(f"Already recorded: the session {status}.")
    settled = (f"Your session on {format_uk(session.starts_at)} was more than {SESSION_HORIZON_DAYS} days ago, so "
               f"whether it happened is settled: it stays recorded as {status}.")
    if session.status is SessionStatus.HELD:
        raise InvalidState(settled + " You can still write a reflection on it: press **Write my reflection** on the card I sent after it.")
    raise InvalidState(settled)
