"""When a nudge may go: not in quiet hours (21:00-08:00 UK), not at weekends; reminders go earlier."""

from __future__ import annotations

from datetime import datetime, time, timezone

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.nudges import QuietHours, pause_until
from tests.domain.builders import NOW

Q = QuietHours()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_weekday_daytime_is_allowed_and_night_and_weekend_are_not():
    assert Q.allows(utc("2027-01-13T12:00"))  # Wednesday noon
    assert not Q.allows(utc("2027-01-13T21:30"))
    assert not Q.allows(utc("2027-01-14T07:59"))
    assert not Q.allows(utc("2027-01-16T12:00"))  # Saturday


def test_a_friday_night_nudge_waits_until_monday_morning():
    assert Q.next_allowed(utc("2027-01-15T22:30")) == utc("2027-01-18T08:00")


def test_quiet_hours_follow_uk_summer_time():
    # 07:30 UTC on a July Wednesday is 08:30 BST: allowed. 20:30 UTC is 21:30 BST: quiet.
    assert Q.allows(utc("2027-07-14T07:30")) and not Q.allows(utc("2027-07-14T20:30"))


def test_a_reminder_due_in_quiet_time_moves_earlier_not_later():
    assert Q.last_allowed_before(utc("2027-01-18T07:00")) == utc("2027-01-15T20:59")


def test_quiet_hours_can_be_turned_off():
    always = QuietHours(time(0, 0), time(0, 0), weekends_off=False)
    assert always.allows(utc("2027-01-16T03:00"))


def test_a_pause_has_sensible_bounds():
    assert (pause_until(NOW, 14) - NOW).days == 14
    with pytest.raises(InvalidInput):
        pause_until(NOW, 0)
    with pytest.raises(InvalidInput):
        pause_until(NOW, 365)
