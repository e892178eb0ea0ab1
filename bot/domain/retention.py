"""How long a programme's records are kept after it ends, and the TTL that backs the deletion up."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from bot.domain.programmes import Programme
from bot.domain.uktime import add_months, uk_instant

DEFAULT_RETENTION_MONTHS = 12
MAX_RETENTION_MONTHS = 120
# Cosmos DB counts an item's TTL from its last write, so every write sets the seconds left until the
# programme's deadline. A write after the deadline still keeps the item this long, so the scheduler
# (which deletes exactly, and audits it) always gets there before the backstop does.
MIN_TTL_SECONDS = 7 * 24 * 3600


def retention_deadline(programme: Programme) -> datetime:
    """The start of the UK day after the programme's end plus its retention period."""
    last_day = add_months(programme.ends_on, programme.retention_months)
    return uk_instant(last_day + timedelta(days=1), time(0, 0))


def ttl_seconds(deadline: datetime, now: datetime) -> int:
    """Seconds from this write until the deadline, never less than the floor."""
    return max(MIN_TTL_SECONDS, math.ceil((deadline - now).total_seconds()))


def check_retention_months(months: int) -> int:
    if not 1 <= months <= MAX_RETENTION_MONTHS:
        raise ValueError(f"a retention period is 1 to {MAX_RETENTION_MONTHS} months")
    return months
