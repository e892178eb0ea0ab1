"""When nudges may go out: quiet hours, weekends and a person's own pause, all in UK time; and, for each
recipient, their shifts and working hours.

The rule for one recipient: a nudge goes at their next allowed moment, the first instant that is
- outside quiet hours (and weekends), as for everyone;
- outside their shifts, with the hour of travel either side and the sleep after a night (bot.domain.shifts'
  `Rota.unavailable`); someone who meets on shift can be nudged on a day shift, never on a night or after it;
- inside their Outlook working hours, when those are known and they have no rota (a rota says when they work).
If that leaves no moment within two weeks (a rota or working hours that never meet the daytime), the quiet
hours alone decide: a nudge is late rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.errors import InvalidInput
from bot.domain.intervals import Interval
from bot.domain.shifts import Rota
from bot.domain.slots import WorkingHours
from bot.domain.uktime import to_uk, uk_instant

MAX_PAUSE = timedelta(days=90)


@dataclass(frozen=True)
class QuietHours:
    """Default: nothing between 21:00 and 08:00 UK time, and nothing at weekends."""

    start: time = time(21, 0)
    end: time = time(8, 0)
    weekends_off: bool = True

    def _quiet_time(self, at: time) -> bool:
        if self.start > self.end:  # spans midnight
            return at >= self.start or at < self.end
        return self.start <= at < self.end

    def _quiet_day(self, day: date) -> bool:
        return self.weekends_off and day.weekday() >= 5

    def allows(self, instant: datetime) -> bool:
        local = to_uk(instant)
        return not self._quiet_day(local.date()) and not self._quiet_time(local.time())

    def next_allowed(self, instant: datetime) -> datetime:
        """The first moment at or after `instant` when a nudge may go out."""
        if self.allows(instant):
            return instant
        day = to_uk(instant).date()
        if not self._quiet_day(day) and to_uk(instant).time() < self.end and self.start > self.end:
            candidate = uk_instant(day, self.end)
            if candidate >= instant and self.allows(candidate):
                return candidate
        for offset in range(1, 9):
            candidate = uk_instant(day + timedelta(days=offset), self.end)
            if self.allows(candidate):
                return candidate
        raise AssertionError("a week always has an allowed moment unless every day is quiet")

    def last_allowed_before(self, instant: datetime) -> datetime:
        """The last moment at or before `instant` when a nudge may go out (for reminders, which must
        arrive before their session rather than after it)."""
        if self.allows(instant):
            return instant
        day = to_uk(instant).date()
        for offset in range(0, 9):
            candidate = uk_instant(day - timedelta(days=offset), self.start) - timedelta(minutes=1)
            if candidate <= instant and self.allows(candidate):
                return candidate
        raise AssertionError("a week always has an allowed moment unless every day is quiet")


NUDGE_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Availability:
    """What one recipient's time adds to the quiet hours: their rota, else their Outlook working hours."""

    rota: Rota | None = None
    working_hours: WorkingHours | None = None

    @property
    def known(self) -> bool:
        return self.rota is not None or self.working_hours is not None


def next_nudge_moment(quiet: QuietHours, who: Availability, instant: datetime,
                      horizon: timedelta = NUDGE_HORIZON) -> datetime:
    """The first moment at or after `instant` when a nudge may reach this person (the rule above)."""
    if not who.known:
        return quiet.next_allowed(instant)
    window = Interval(instant, instant + horizon)
    blocked = who.rota.unavailable(window) if who.rota else []
    working = who.working_hours.spans(window) if who.rota is None and who.working_hours else None
    moment = instant
    for _ in range(4 * horizon.days + 8):  # each turn passes a block, a quiet spell or a gap between working spans
        moment = quiet.next_allowed(moment)
        if moment >= window.ends_at:
            break
        block = next((b for b in blocked if b.starts_at <= moment < b.ends_at), None)
        if block is not None:
            moment = block.ends_at
            continue
        if working is not None and not any(s.starts_at <= moment < s.ends_at for s in working):
            later = [s.starts_at for s in working if s.starts_at > moment]
            if not later:
                break
            moment = later[0]
            continue
        return moment
    return quiet.next_allowed(instant)


def pause_until(now: datetime, days: int) -> datetime:
    if not 1 <= days <= MAX_PAUSE.days:
        raise InvalidInput(f"You can pause reminders for 1 to {MAX_PAUSE.days} days.")
    return now + timedelta(days=days)
