"""When nudges may go out: quiet hours, weekends and a person's own pause, all in UK time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.domain.errors import InvalidInput
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


def pause_until(now: datetime, days: int) -> datetime:
    if not 1 <= days <= MAX_PAUSE.days:
        raise InvalidInput(f"You can pause reminders for 1 to {MAX_PAUSE.days} days.")
    return now + timedelta(days=days)
