"""Suggested session times that suit both people: diaries, working hours, shift patterns, UK clock changes.

For each UK day in the window the free time both share is found with interval arithmetic (not by testing
every quarter hour), then one slot per day is chosen and the days spread out, so three suggestions give
a real choice: not three adjacent quarter hours on Monday morning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Sequence
from zoneinfo import ZoneInfo

from bot.domain.intervals import Interval, clipped, intersect, merged, subtract, wall_interval
from bot.domain.shifts import AskEachTime, Rota, ShiftPattern
from bot.domain.uktime import format_day

UK = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # 0 = Monday ... 6 = Sunday, in the person's own time zone
    starts: time
    ends: time  # at or before `starts`: the working day runs past midnight
    time_zone: str  # IANA name

    def spans(self, window: Interval) -> list[Interval]:
        zone = ZoneInfo(self.time_zone)
        first = window.starts_at.astimezone(zone).date() - timedelta(days=1)
        last = window.ends_at.astimezone(zone).date()
        spans = []
        for n in range((last - first).days + 1):
            day = first + timedelta(days=n)
            if day.weekday() in self.days:
                span = wall_interval(day, self.starts, self.ends, zone)
                if span:
                    spans.append(span)
        return merged(spans)


@dataclass(frozen=True)
class Diary:
    """What Tandem knows of one person's time. `busy` is any order; it is normalised once."""

    name: str
    busy: Sequence[Interval] = ()
    working_hours: WorkingHours | None = None  # from Outlook; ignored when a rota says when they work
    pattern: ShiftPattern | None = None

    @property
    def asks_each_time(self) -> bool:
        return isinstance(self.pattern, AskEachTime)

    def open_times(self, window: Interval) -> list[Interval]:
        """When this person could meet inside the window, before the other person is considered."""
        rota = self.pattern if isinstance(self.pattern, Rota) else None
        if rota and rota.meets_on_shift:
            allowed = rota.on_duty(window)
        elif rota is None and self.working_hours is not None:
            allowed = intersect([window], self.working_hours.spans(window))
        else:
            allowed = [window]
        blocked = merged([*clipped(merged(self.busy), window), *(rota.unavailable(window) if rota else ())])
        return subtract(allowed, blocked)


@dataclass(frozen=True)
class SlotPolicy:
    minutes: int = 60
    step_minutes: int = 15  # starts on the quarter hour
    day_starts: time = time(8, 0)  # UK-friendly daytime, in UK wall time
    day_ends: time = time(20, 0)
    weekends: bool = False
    count: int = 3
    preferred_starts: tuple[time, ...] = (time(10, 0), time(14, 0), time(16, 30))  # vary the time of day
    min_gap_days: int = 2  # spread suggestions out; relaxed to 1 when the window is tight


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    to_confirm: tuple[str, ...] = ()  # names of people whose shifts Tandem cannot see


@dataclass(frozen=True)
class Suggestions:
    slots: tuple[Slot, ...]
    message: str = ""  # when there are fewer than asked for: why, and what to do instead

    @property
    def found(self) -> bool:
        return bool(self.slots)


@dataclass
class _Day:
    day: date
    starts: list[tuple[datetime, datetime]] = field(default_factory=list)  # (earliest, latest) start, on the step


def suggest(a: Diary, b: Diary, window_starts: datetime, window_ends: datetime,
            policy: SlotPolicy = SlotPolicy()) -> Suggestions:
    """Up to `policy.count` slots both people can make, on different days, inside the window."""
    window = Interval(window_starts.astimezone(timezone.utc), window_ends.astimezone(timezone.utc))
    length = timedelta(minutes=policy.minutes)
    if window.length < length:
        return Suggestions((), "There is not enough time left before the session is due to suggest one. "
                               "Please type a time that suits you both.")
    # A week at a time, from UK midnight, stopping once the spread is full: most pairs need one week.
    days: list[_Day] = []
    part_starts, week = window.starts_at, window.starts_at.astimezone(UK).date()
    while part_starts < window.ends_at:
        week += timedelta(days=7)
        week_ends = datetime.combine(week, time(0), tzinfo=UK).astimezone(timezone.utc)
        part = Interval(part_starts, min(week_ends, window.ends_at))
        shared = intersect(a.open_times(part), b.open_times(part))
        days.extend(_days_with_room(shared, part, policy, length))
        if len(_pick(days, policy.min_gap_days, policy.count)) == policy.count:
            break
        part_starts = part.ends_at
    chosen = _spread(days, policy)
    confirm = tuple(d.name for d in (a, b) if d.asks_each_time)
    slots = tuple(Slot(start, start + length, confirm) for start in chosen)
    if len(slots) < policy.count:
        return Suggestions(slots, _why_not(a, b, window, policy, length, len(slots)))
    return Suggestions(slots)


def _days_with_room(shared: list[Interval], window: Interval, policy: SlotPolicy, length: timedelta) -> list[_Day]:
    step = timedelta(minutes=policy.step_minutes)
    first = window.starts_at.astimezone(UK).date()
    last = window.ends_at.astimezone(UK).date()
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        if not policy.weekends and day.weekday() >= 5:
            continue
        daytime = wall_interval(day, policy.day_starts, policy.day_ends, UK)
        if daytime is None:
            continue
        entry = _Day(day)
        for free in clipped(shared, daytime):
            earliest = _round_up(free.starts_at, step)
            room = free.ends_at - length - earliest
            if room >= timedelta(0):
                entry.starts.append((earliest, earliest + (room // step) * step))
        if entry.starts:
            days.append(entry)
    return days


def _round_up(instant: datetime, step: timedelta) -> datetime:
    """To the next step on the UK wall clock (UK offsets are whole hours, so UTC quarter hours match)."""
    epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
    remainder = (instant - epoch) % step
    return instant if not remainder else instant + (step - remainder)


def _best_start(entry: _Day, preferred: time) -> datetime:
    target = datetime.combine(entry.day, preferred, tzinfo=UK).astimezone(timezone.utc)
    # Both ends of each range are on the step, and so is the target: the clamped value is too.
    candidates = [min(max(target, earliest), latest) for earliest, latest in entry.starts]
    return min(candidates, key=lambda candidate: abs(candidate - target))


def _spread(days: list[_Day], policy: SlotPolicy) -> list[datetime]:
    """The earliest day with room, then days at least `min_gap_days` apart; closer if that is all there is."""
    picked: list[_Day] = []
    for gap in range(policy.min_gap_days, 0, -1):
        picked = _pick(days, gap, policy.count)
        if len(picked) == policy.count:
            break
    return [_best_start(entry, policy.preferred_starts[i % len(policy.preferred_starts)])
            for i, entry in enumerate(picked)]


def _pick(days: list[_Day], gap: int, count: int) -> list[_Day]:
    picked: list[_Day] = []
    for entry in days:
        if not picked or (entry.day - picked[-1].day).days >= gap:
            picked.append(entry)
            if len(picked) == count:
                break
    return picked


def _why_not(a: Diary, b: Diary, window: Interval, policy: SlotPolicy, length: timedelta, found: int) -> str:
    span = f"between {format_day(window.starts_at.astimezone(UK).date())} and {format_day(window.ends_at.astimezone(UK).date())}"
    lonely = [d.name for d in (a, b) if not _days_with_room(d.open_times(window), window, policy, length)]
    if lonely:
        who = " and ".join(lonely)
        reason = f"{who} {'has' if len(lonely) == 1 else 'have'} no free {policy.minutes} minutes in the daytime {span}"
    else:
        reason = f"your free times don't line up for {policy.minutes} minutes in the daytime {span}"
    if found:
        return (f"I could only find {found} time{'s' if found != 1 else ''}: {reason}. "
                "You can also type a time that suits you both.")
    return f"I couldn't find a time for you both: {reason}. Please type a time that suits you both."
