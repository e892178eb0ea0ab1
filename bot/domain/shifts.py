"""Shift patterns a person can set in Tandem when their shifts are not in Outlook.

A rota is a repeating cycle of days (early, late, night, long day, or off) anchored at the date its first
day falls on, in UK wall time. "Tell me each time" says Tandem cannot know: suggested slots then ask that
person to confirm. Around a shift an officer also needs travel and briefing time, and sleep after nights.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.intervals import Interval, merged, wall_interval

UK_ZONE = "Europe/London"


class Shift(Enum):
    EARLY = ("E", time(7), time(15))
    LATE = ("L", time(15), time(23))
    NIGHT = ("N", time(23), time(7))
    LONG_DAY = ("D", time(7), time(19))

    def __init__(self, letter: str, starts: time, ends: time):
        self.letter, self.starts, self.ends = letter, starts, ends

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    @classmethod
    def from_letter(cls, letter: str) -> "Shift | None":
        upper = letter.upper()
        if upper in OFF_LETTERS:
            return None
        for shift in cls:
            if shift.letter == upper:
                return shift
        raise InvalidInput(
            f"'{letter}' is not a shift I know. Use E (early 07-15), L (late 15-23), N (night 23-07), "
            "D (long day 07-19) and - for a day off, e.g. EELLNN---- or DDDD----.")


OFF_LETTERS = frozenset("-O.R")  # off, rest day
TRAVEL = timedelta(hours=1)  # before and after a shift: getting there, briefing, getting home
REST_AFTER_NIGHT_UNTIL = time(14, 0)  # a night shift ending in the morning: asleep until early afternoon


@dataclass(frozen=True)
class Rota:
    anchor: date  # the date the cycle's first day falls on
    cycle: tuple[Shift | None, ...]
    zone: str = UK_ZONE
    meets_on_shift: bool = False  # mentoring counts as duty: meet during day shifts rather than around them

    def __post_init__(self) -> None:
        if not self.cycle:
            raise InvalidInput("A rota needs at least one day.")
        if len(self.cycle) > 56:
            raise InvalidInput("A rota repeats within 8 weeks; please give at most 56 days.")

    @classmethod
    def parse(cls, text: str, anchor: date, *, meets_on_shift: bool = False) -> "Rota":
        """'EELLNN----' (10-day cycle), 'DDDD----' (4 on / 4 off), spaces and commas ignored."""
        letters = [c for c in (text or "") if not c.isspace() and c != ","]
        if not letters:
            raise InvalidInput("Please give your rota as letters, e.g. EELLNN---- or DDDD----.")
        return cls(anchor, tuple(Shift.from_letter(c) for c in letters), meets_on_shift=meets_on_shift)

    @classmethod
    def on_off(cls, on: int, off: int, shift: Shift, anchor: date) -> "Rota":
        """'4 on / 4 off' of one kind of shift."""
        if on < 1 or off < 0:
            raise InvalidInput("A rota needs at least one day on.")
        return cls(anchor, (shift,) * on + (None,) * off)

    @property
    def text(self) -> str:
        return "".join(shift.letter if shift else "-" for shift in self.cycle)

    def shift_on(self, day: date) -> Shift | None:
        return self.cycle[(day - self.anchor).days % len(self.cycle)]

    def _days(self, window: Interval) -> list[date]:
        zone = ZoneInfo(self.zone)
        first = window.starts_at.astimezone(zone).date() - timedelta(days=1)  # a night from the day before
        last = window.ends_at.astimezone(zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def shifts(self, window: Interval) -> list[Interval]:
        """Each shift overlapping the window, as UTC instants (a night spans the clock change correctly)."""
        zone = ZoneInfo(self.zone)
        result = []
        for day in self._days(window):
            shift = self.shift_on(day)
            span = shift and wall_interval(day, shift.starts, shift.ends, zone)
            if span and span.overlaps(window):
                result.append(span)
        return result

    def unavailable(self, window: Interval) -> list[Interval]:
        """Shifts with travel either side, and sleep after a night; for `meets_on_shift`, only nights."""
        zone = ZoneInfo(self.zone)
        blocks = []
        for day in self._days(window):
            shift = self.shift_on(day)
            if shift is None:
                continue
            span = wall_interval(day, shift.starts, shift.ends, zone)
            if span is None:
                continue
            if shift.overnight:
                woken = wall_interval(day + timedelta(days=1), shift.ends, REST_AFTER_NIGHT_UNTIL, zone)
                blocks.append(Interval(span.starts_at - TRAVEL, woken.ends_at if woken else span.ends_at + TRAVEL))
            elif not self.meets_on_shift:
                blocks.append(Interval(span.starts_at - TRAVEL, span.ends_at + TRAVEL))
        return merged(b for b in blocks if b.overlaps(window))

    def on_duty(self, window: Interval) -> list[Interval]:
        """Day shifts (not nights) inside the window: when `meets_on_shift`, the only times to meet."""
        zone = ZoneInfo(self.zone)
        spans = []
        for day in self._days(window):
            shift = self.shift_on(day)
            if shift is not None and not shift.overnight:
                span = wall_interval(day, shift.starts, shift.ends, zone)
                if span and span.overlaps(window):
                    spans.append(span)
        return merged(spans)

    def to_doc(self) -> dict[str, Any]:
        return {"kind": "rota", "anchor": self.anchor.isoformat(), "cycle": self.text, "zone": self.zone,
                "meetsOnShift": self.meets_on_shift}


@dataclass(frozen=True)
class AskEachTime:
    """'I'll tell you each time': shifts unknown to Tandem; suggestions ask this person to confirm."""

    def to_doc(self) -> dict[str, Any]:
        return {"kind": "ask"}


ShiftPattern = Rota | AskEachTime


def pattern_from_doc(doc: dict[str, Any] | None) -> ShiftPattern | None:
    if not doc:
        return None
    if doc.get("kind") == "ask":
        return AskEachTime()
    rota = Rota.parse(doc["cycle"], date.fromisoformat(doc["anchor"]), meets_on_shift=bool(doc.get("meetsOnShift")))
    return Rota(rota.anchor, rota.cycle, zone=doc.get("zone", UK_ZONE), meets_on_shift=rota.meets_on_shift)


ASK_WORDS = frozenset(("ask", "ask me", "tell", "each time", "tell me each time", "i'll tell you", "ill tell you",
                       "i'll tell you each time"))
NONE_WORDS = frozenset(("none", "clear", "off", "no", "no shift pattern", "no shifts", "no pattern"))


def read_pattern(text: str, first_day: date) -> ShiftPattern | None:
    """What a person says about their shifts: a rota ('EELLNN----', its first day `first_day`), 'ask' for
    "I'll tell you each time", or 'none' to have none (None). Anything else is refused with an example."""
    cleaned = " ".join((text or "").strip().lower().rstrip(".!").split())
    if cleaned in NONE_WORDS:
        return None
    if cleaned in ASK_WORDS:
        return AskEachTime()
    return Rota.parse(text, first_day)


def describe(pattern: ShiftPattern | None, today: date) -> str:
    """'EELLNN---- from 4 Jan 2027 (today: late)' for showing a person what Tandem holds."""
    if pattern is None:
        return "no shift pattern (your Outlook calendar and working hours are used)"
    if isinstance(pattern, AskEachTime):
        return "you'll tell me each time"
    today_shift = pattern.shift_on(today)
    what = today_shift.name.lower().replace("_", " ") if today_shift else "off"
    return f"{pattern.text} from {pattern.anchor.day} {pattern.anchor:%b %Y} (today: {what})"
