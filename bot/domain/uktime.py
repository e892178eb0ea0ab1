"""UK wall-clock time: reading what people type and showing instants back in Europe/London."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

from bot.domain.errors import InvalidInput

UK = ZoneInfo("Europe/London")

_HINT = "Please give a date and a time, for example 14/01/2027 14:30 or 2027-01-14 14:30."


def uk_instant(day: date, at: time) -> datetime:
    """The UTC instant of a UK wall-clock time, refusing times the clocks skip."""
    local = datetime.combine(day, at).replace(tzinfo=UK)
    # A wall time that does not exist (the spring-forward hour) does not survive a round trip.
    round_trip = local.astimezone(timezone.utc).astimezone(UK)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise InvalidInput(
            f"{at:%H:%M} on {day:%d/%m/%Y} does not exist in the UK: the clocks go forward "
            "that night. Please pick another time."
        )
    # An ambiguous time (the autumn hour that happens twice) takes its first, BST, reading: fold=0.
    return local.astimezone(timezone.utc)


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
        raise InvalidInput(f"I couldn't read '{cleaned}' as a date. Try 14/01/2027.") from error


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2})")


def parse_uk_datetime(text: str) -> datetime:
    """A date and time typed by a UK user, read as Europe/London wall time; returned in UTC."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput(_HINT)
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
        raise InvalidInput(f"I couldn't read '{cleaned}' as a date and time. {_HINT}") from error
    return uk_instant(day, at)


def from_card_inputs(day_text: str, time_text: str) -> datetime:
    """Adaptive Card Input.Date (YYYY-MM-DD) and Input.Time (HH:MM) values, as UK wall time."""
    try:
        day = date.fromisoformat((day_text or "").strip())
        at = time.fromisoformat((time_text or "").strip()[:5])
    except ValueError as error:
        raise InvalidInput(f"Please pick both a date and a time. {_HINT}") from error
    return uk_instant(day, at)


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
