"""Small builders for domain tests: fixed dates in 2027, nothing from the real clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from bot.domain.contracts import Clauses, default_clauses

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)
TODAY = date(2027, 1, 11)
PROGRAMME_END = date(2027, 7, 11)


def clauses(**changes) -> Clauses:
    base = replace(default_clauses(TODAY, PROGRAMME_END), goals=("Understand knife crime in Newham",))
    return replace(base, **changes)


def at(day: int, hour: int = 10, month: int = 1) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=timezone.utc)
