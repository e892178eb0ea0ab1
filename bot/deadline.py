"""A turn's time budget: set once when a turn starts, read by every store and connector call inside it,
so no call outlasts what is left of Teams' 15 s (a context variable: each turn, and its tasks, see theirs)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_deadline: ContextVar[float | None] = ContextVar("tandem_turn_deadline", default=None)


@contextmanager
def turn_deadline(seconds: float | None) -> Iterator[None]:
    """Within this block, calls take at most what is left of `seconds` (None: no deadline)."""
    token = _deadline.set(time.monotonic() + seconds if seconds is not None else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left in this turn (never below 0), or None outside a turn (the sweep: its own limits)."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())
