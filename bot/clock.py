"""Time as a dependency: the app uses the system clock, tests pass a clock they control."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class ShiftedClock:
    """The system clock moved by a fixed offset: lets a local run rehearse 'after the session'."""

    def __init__(self, offset: timedelta):
        self._offset = offset

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime):
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, instant: datetime) -> None:
        self._now = instant
