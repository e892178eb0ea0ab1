"""UK wall-clock time: reading what people type and showing instants back in Europe/London."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

from bot.domain.errors import InvalidInput
from bot.domain.text import excerpt

UK = ZoneInfo("Europe/London")

_HINT = "Please give a date and a time, for example 14/01/2027 14:30 or 2027-01-14 14:30."


def uk_instant(day: date, at: time) -> datetime:
    """The UTC instant of a UK wall-clock time Tandem itself chose (9:00, quiet hours), refusing times
    the clocks skip. In the autumn hour that happens twice it takes the first (BST) reading; a time a
    person typed goes through `typed_uk_instant`, which asks instead."""
    _refuse_skipped(day, at)
    return datetime.combine(day, at, tzinfo=UK).astimezone(timezone.utc)


def _refuse_skipped(day: date, at: time) -> None:
    local = datetime.combine(day, at, tzinfo=UK)
    # A wall time that does not exist (the spring-forward hour) does not survive a round trip.
    round_trip = local.astimezone(timezone.utc).astimezone(UK)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidInput(
            f"{at:%H:%M} on {day:%d/%m/%Y} does not exist in the UK: the clocks go forward "
            "that night. Please pick another time."
        )


class AmbiguousTime(InvalidInput):
    """A wall time in the hour the clocks go back happens twice; the person must say which."""

    def __init__(self, day: date, at: time):
        super().__init__(
            f"{at:%H:%M} on {day.day} {day:%b %Y} happens twice that night, as the clocks go back: say "
            f"{at:%H:%M} BST (the first) or {at:%H:%M} GMT (the second)."
        )
        self.day = day
        self.at = at


# What a person may add to say which UK time they mean. UTC is read as GMT: the same offset, and in
# the UK, what people mean by it. A zone that is not in force at that time is refused, not converted.
ZONE_OFFSETS = {"BST": timedelta(hours=1), "GMT": timedelta(0), "UTC": timedelta(0)}


def typed_uk_instant(day: date, at: time, zone: str | None = None) -> datetime:
    """The UTC instant of a UK wall time a person gave, with the zone they named, if any."""
    _refuse_skipped(day, at)
    readings = [datetime.combine(day, at, tzinfo=UK).replace(fold=fold) for fold in (0, 1)]
    if zone is None:
        if readings[0].utcoffset() != readings[1].utcoffset():
            raise AmbiguousTime(day, at)
        return readings[0].astimezone(timezone.utc)
    wanted = ZONE_OFFSETS[zone.upper()]
    for reading in readings:
        if reading.utcoffset() == wanted:
            return reading.astimezone(timezone.utc)
    in_force = readings[0].tzname()
    raise InvalidInput(
        f"The UK is on {in_force}, not {zone.upper()}, at {at:%H:%M} on {day.day} {day:%b %Y}. "
        f"Please give the time without {zone.upper()}, or as {at:%H:%M} {in_force}."
    )


_ZONE_SUFFIX = re.compile(r"\s*\(?\b(?P<zone>BST|GMT|UTC)\)?\s*$", re.IGNORECASE)
_WHICH = re.compile(
    r"(?:(?P<time>\d{1,2}[:.]\d{2})\s*)?(?P<zone>bst|gmt|utc)|(?:the\s+)?(?P<order>first|earlier|second|later)(?:\s+one)?",
    re.IGNORECASE,
)


def split_zone(text: str) -> tuple[str, str | None]:
    """'31/10/2027 01:30 GMT' -> ('31/10/2027 01:30', 'GMT')."""
    match = _ZONE_SUFFIX.search(text)
    if not match:
        return text, None
    return text[: match.start()].strip(), match.group("zone").upper()


def which_reading(day: date, at: time, answer: str) -> str | None:
    """The answer to "which 01:30?": 'GMT', '01:30 BST', 'the second'... as a full date and time with its
    zone; None when the answer is not about that time (then it is read as a new date and time)."""
    match = _WHICH.fullmatch(" ".join((answer or "").strip().rstrip(".!").split()))
    if not match:
        return None
    if match.group("order"):
        zone = "BST" if match.group("order").lower() in ("first", "earlier") else "GMT"
    else:
        if match.group("time") and time.fromisoformat(match.group("time").replace(".", ":").zfill(5)) != at:
            return None
        zone = match.group("zone").upper()
    return f"{day:%d/%m/%Y} {at:%H:%M} {zone}"


def parse_uk_date(text: str) -> date:
    """A date typed by a UK user: day first (14/01/2027), ISO (2027-01-14) or words (14 Jan 2027)."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput("Please give a date, for example 14/01/2027.")
    try:
        iso = _ISO_DATE.fullmatch(cleaned)
        if iso:
            return date.fromisoformat(cleaned)
        return date_parser.parse(cleaned, dayfirst=True, default=datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError) as error:
        raise InvalidInput(f"I couldn't read '{excerpt(cleaned)}' as a date. Try \"14 January 2027\".") from error


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2})")


def parse_uk_datetime(text: str) -> datetime:
    """A date and time typed by a UK user, read as Europe/London wall time; returned in UTC.
    A trailing BST or GMT (or UTC, read as GMT) says which reading is meant in the hour the clocks go
    back; without one, a time in that hour raises AmbiguousTime."""
    typed = (text or "").strip()
    if not typed:
        raise InvalidInput(_HINT)
    cleaned, zone = split_zone(typed)
    iso = _ISO_DATETIME.fullmatch(cleaned)
    try:
        if iso:
            day, at = date.fromisoformat(iso.group(1)), time.fromisoformat(iso.group(2).zfill(5))
        else:
            if not re.search(r"\d{1,2}[:.]\d{2}|\d\s*(am|pm)\b", cleaned, re.IGNORECASE):
                raise InvalidInput(f"I need a time as well as a date. {_HINT}")
            sentinel = datetime(1900, 1, 1)
            parsed = date_parser.parse(cleaned.replace(".", ":"), dayfirst=True, default=sentinel)
            if parsed.year == sentinel.year:
                raise InvalidInput(f"I need a date with a year. {_HINT}")
            day, at = parsed.date(), parsed.time().replace(second=0, microsecond=0)
    except (ValueError, OverflowError) as error:
        raise InvalidInput(f"I couldn't read '{excerpt(typed)}' as a date and time. {_HINT}") from error
    return typed_uk_instant(day, at, zone)


def from_card_inputs(day_text: str, time_text: str) -> datetime:
    """Adaptive Card Input.Date (YYYY-MM-DD) and Input.Time (HH:MM) values, as UK wall time."""
    try:
        day = date.fromisoformat((day_text or "").strip())
        at = time.fromisoformat((time_text or "").strip()[:5])
    except ValueError as error:
        raise InvalidInput(f"Please pick both a date and a time. {_HINT}") from error
    return typed_uk_instant(day, at)


def to_uk(instant: datetime) -> datetime:
    return instant.astimezone(UK)


def format_uk(instant: datetime) -> str:
    """'Thu 14 Jan 2027, 14:30 GMT': the way a UK reader expects to see a meeting time."""
    local = to_uk(instant)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def format_day(day: date) -> str:
    """'Thu 14 Jan 2027': the same shape as format_uk, without the time."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def uk_today(now: datetime) -> date:
    return to_uk(now).date()


def add_months(day: date, months: int) -> date:
    """Same day of month `months` later, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has at least 28 days")


ONE_DAY = timedelta(days=1)
