"""Reading times and lengths of time the way people type them: "next Tuesday at 10", "tomorrow at 3pm",
"10 o'clock", "in 2 weeks", "a month". UK readings: day before month, Europe/London, the future preferred.

The explicit formats of bot/domain/uktime.py (14/01/2027 14:30, 2027-01-14 14:30) are tried first and
keep their meaning. When only part is understood (a day with no time, or a time with no day), the
person is told what was understood and that part is kept, so the next answer can fill the rest in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateparser.date import DateDataParser

from bot.domain.errors import InvalidInput
from bot.domain.uktime import UK, AmbiguousTime, parse_uk_datetime, split_zone, typed_uk_instant

EXAMPLES = "for example \"next Tuesday at 10\", \"tomorrow at 3pm\" or \"14 January at 2:30pm\""
LATEST_HOUR_READ_AS_PM = 7  # "at 3" means 15:00: nobody books a mentoring session for 3 in the morning

_DAY_WORDS = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|today|tomorrow|tonight|yesterday"
    r"|next|week|weeks|month|months|fortnight|day|days|in)\w*\b|\d{1,4}[/-]\d{1,2}|\d{1,2}(st|nd|rd|th)\b",
    re.IGNORECASE)
_BARE_HOUR = re.compile(r"(?:(?<=\bat )(\d{1,2})(?![\d:.]|\s*(?:am|pm|a\.m|p\.m|st|nd|rd|th)\b)(?=\s|$))|^(\d{1,2})$", re.IGNORECASE)
_PAST = re.compile(r"\b(half|quarter) past (\d{1,2})\b", re.IGNORECASE)
_TO = re.compile(r"\bquarter to (\d{1,2})\b", re.IGNORECASE)
_OCLOCK = re.compile(r"\b(\d{1,2})\s*o['’]?\s*clock\b", re.IGNORECASE)
_NOON = re.compile(r"\b(noon|midday|12 noon)\b", re.IGNORECASE)
_SPELLED = {"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "four": "4", "six": "6"}


@dataclass(frozen=True)
class Understood:
    """What has been understood so far of a meeting time: a day, a time of day, or both."""

    day: date | None = None
    at: time | None = None


class PartlyUnderstood(InvalidInput):
    """Half a meeting time: the message says what was understood and asks for the rest."""

    def __init__(self, understood: Understood):
        self.understood = understood
        if understood.day is not None:
            message = f"I got {format_long_day(understood.day)}; what time? (e.g. 10:00 or 2pm)"
        else:
            message = f"I got {understood.at:%H:%M}; which day? (such as Tuesday, tomorrow or 14 January)"
        super().__init__(message)


def format_long_day(day: date) -> str:
    """'Tuesday 12 January': how a person would say the day back."""
    return f"{day:%A} {day.day} {day:%B}"


def _parser(now: datetime) -> DateDataParser:
    local_now = now.astimezone(UK).replace(tzinfo=None)
    return DateDataParser(languages=["en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future", "RELATIVE_BASE": local_now,
        "RETURN_TIME_AS_PERIOD": True, "TIMEZONE": "Europe/London", "RETURN_AS_TIMEZONE_AWARE": False,
    })


def _tidy(text: str) -> str:
    """Phrases dateparser doesn't read, rewritten: "10 o'clock" and "at 10" -> 10:00, "at 3" -> 15:00."""
    cleaned = " ".join(text.replace(",", " ").split())
    cleaned = _NOON.sub("12:00", cleaned)

    def clock(value: int, minutes: int = 0) -> str:
        if 1 <= value <= LATEST_HOUR_READ_AS_PM:
            value += 12
        return f"{value:02d}:{minutes:02d}"

    def hour(match: re.Match) -> str:
        value = int(next(g for g in match.groups() if g))
        return clock(value) if 0 <= value <= 23 else match.group(0)

    cleaned = _PAST.sub(lambda m: clock(int(m.group(2)), 30 if m.group(1).lower() == "half" else 15), cleaned)
    cleaned = _TO.sub(lambda m: clock((int(m.group(1)) - 1) % 24, 45), cleaned)
    cleaned = _OCLOCK.sub(hour, cleaned)
    return _BARE_HOUR.sub(hour, cleaned)


def read_meeting_time(text: str, now: datetime, so_far: Understood = Understood()) -> datetime:
    """The UTC instant a person means. Raises PartlyUnderstood with what it did get, or InvalidInput."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(f"Please tell me a day and a time, {EXAMPLES}.")
    try:
        return parse_uk_datetime(cleaned)
    except AmbiguousTime:
        raise  # a time in the hour the clocks go back: the person says which
    except InvalidInput:
        pass  # not one of the explicit formats: read it as words
    words, zone = split_zone(cleaned)
    tidied = _tidy(words)
    found = _parser(now).get_date_data(tidied)
    if found.date_obj is None:
        raise InvalidInput(f"Sorry, I couldn't read \"{cleaned}\" as a day and time. Try {EXAMPLES}.")
    has_time = found.period == "time"
    has_day = bool(_DAY_WORDS.search(tidied.replace(":", " ")))
    day = found.date_obj.date() if has_day else so_far.day
    at = found.date_obj.time().replace(second=0, microsecond=0) if has_time else so_far.at
    if day is None or at is None:
        raise PartlyUnderstood(Understood(day, at))
    return typed_uk_instant(day, at, zone)  # asks about the repeated autumn hour, refuses the skipped one


def read_days(text: str, today: date, *, most: int) -> int:
    """A length of time from today, in days: "2 weeks", "for a month", "10 days", "until Friday"."""
    cleaned = " ".join((text or "").lower().split())
    cleaned = re.sub(r"^(for|until|till|til)\s+", "", cleaned)
    words = [_SPELLED.get(w, w) for w in cleaned.split()]
    cleaned = " ".join(words)
    if re.fullmatch(r"\d{1,3}", cleaned):
        cleaned += " days"
    if re.fullmatch(r"(\d{1,3}\s+)?fortnights?", cleaned):
        count = int(cleaned.split()[0]) if cleaned[0].isdigit() else 1
        cleaned = f"{count * 2} weeks"
    phrase = cleaned if re.match(r"^(in|next|\d)", cleaned) is None or not cleaned[0].isdigit() else f"in {cleaned}"
    base = datetime.combine(today, time(12, 0))
    found = DateDataParser(languages=["en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future", "RELATIVE_BASE": base}).get_date_data(phrase)
    if found.date_obj is None:
        raise InvalidInput(f"Say how long, for example \"for 2 weeks\", \"for a month\" or \"until Friday\" (up to {most} days).")
    days = (found.date_obj.date() - today).days
    if not 1 <= days <= most:
        raise InvalidInput(f"Please pick between 1 and {most} days.")
    return days


ONE_DAY = timedelta(days=1)
