"""Rate limits on steps that raise an alert or a concern: counted per person, over the last day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot.domain.errors import NotAllowed

WINDOW = timedelta(days=1)


class Raised(str, Enum):
    """What a person can raise; each kind has its own counter on their person document."""

    HELP = "help"
    CLOSE = "close"
    CONCERN = "concern"


PER_DAY = {Raised.HELP: 5, Raised.CLOSE: 5, Raised.CONCERN: 20}


class TooMany(NotAllowed):
    """Over the limit: nothing was sent, and the message says what to do instead."""


@dataclass(frozen=True)
class Counter:
    """When this person raised each kind of thing, within the last day (older times are dropped)."""

    times: tuple[datetime, ...] = ()

    def recent(self, now: datetime) -> tuple[datetime, ...]:
        return tuple(t for t in self.times if now - t < WINDOW)

    def counted(self, kind: Raised, now: datetime, over_limit: str) -> "Counter":
        """One more, or TooMany with `over_limit` as the message."""
        recent = self.recent(now)
        if len(recent) >= PER_DAY[kind]:
            raise TooMany(over_limit)
        return Counter(recent + (now,))
