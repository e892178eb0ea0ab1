"""Half-open UTC time intervals and the three operations slot finding needs: merge, intersect, subtract.

Interval lists are kept sorted and non-overlapping ("normal"), so each operation is a single linear pass.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime, time, timedelta
from typing import Iterable, NamedTuple, Sequence
from zoneinfo import ZoneInfo


class Interval(NamedTuple):
    """[starts_at, ends_at) as aware instants. A tuple, because slot finding makes and compares many."""

    starts_at: datetime
    ends_at: datetime

    @property
    def length(self) -> timedelta:
        return self.ends_at - self.starts_at

    def overlaps(self, other: "Interval") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined; empty ones dropped."""
    result: list[Interval] = []
    for item in sorted(i for i in intervals if i.ends_at > i.starts_at):
        if result and item.starts_at <= result[-1].ends_at:
            if item.ends_at > result[-1].ends_at:
                result[-1] = Interval(result[-1].starts_at, item.ends_at)
        else:
            result.append(item)
    return result


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Where both normal lists cover."""
    result: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i].starts_at, b[j].starts_at)
        end = min(a[i].ends_at, b[j].ends_at)
        if start < end:
            result.append(Interval(start, end))
        if a[i].ends_at < b[j].ends_at:
            i += 1
        else:
            j += 1
    return result


def subtract(free: Sequence[Interval], busy: Sequence[Interval]) -> list[Interval]:
    """What is left of normal list `free` once normal list `busy` is taken out."""
    result: list[Interval] = []
    j = 0
    for item in free:
        start = item.starts_at
        while j < len(busy) and busy[j].ends_at <= start:
            j += 1
        k = j
        while k < len(busy) and busy[k].starts_at < item.ends_at:
            if busy[k].starts_at > start:
                result.append(Interval(start, busy[k].starts_at))
            start = max(start, busy[k].ends_at)
            k += 1
        if start < item.ends_at:
            result.append(Interval(start, item.ends_at))
    return result


def clipped(intervals: Sequence[Interval], window: Interval) -> list[Interval]:
    """The part of a normal list inside `window` (found by bisection: lists can be long)."""
    index = bisect_left(intervals, window.starts_at, key=_end)
    result: list[Interval] = []
    for item in intervals[index:]:
        if item.starts_at >= window.ends_at:
            break
        start, end = max(item.starts_at, window.starts_at), min(item.ends_at, window.ends_at)
        if start < end:
            result.append(Interval(start, end))
    return result


def _end(interval: Interval) -> datetime:
    return interval.ends_at


def wall_interval(day, starts: time, ends: time, zone: ZoneInfo) -> Interval | None:
    """A wall-clock span on `day` in `zone` as UTC instants; `ends` <= `starts` runs past midnight.

    zoneinfo's fold=0 reading: a time the clocks skip (spring forward) lands an hour later, an ambiguous
    time (autumn) takes its first reading. None when the span is empty.
    """
    start = datetime.combine(day, starts, tzinfo=zone).astimezone(UTC)
    end_day = day + timedelta(days=1) if ends <= starts else day
    end = datetime.combine(end_day, ends, tzinfo=zone).astimezone(UTC)
    return Interval(start, end) if end > start else None


UTC = ZoneInfo("UTC")
