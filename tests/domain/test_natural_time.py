"""Times and lengths of time as people type them, read in UK time, the future preferred."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.natural_time import PartlyUnderstood, Understood, read_days, read_meeting_time
from bot.domain.uktime import to_uk
from bot.storage.kinds import UNDERSTOOD

MONDAY_9AM = datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc)  # GMT: UK time is UTC
SUMMER_MONDAY = datetime(2027, 6, 14, 8, 0, tzinfo=timezone.utc)  # BST: 09:00 in the UK


def uk(text: str, now: datetime = MONDAY_9AM, so_far: Understood = Understood()) -> str:
    return to_uk(read_meeting_time(text, now, so_far)).strftime("%a %d/%m/%Y %H:%M")


@pytest.mark.parametrize("said, meant", [
    ("next Tuesday at 10", "Tue 12/01/2027 10:00"),
    ("tomorrow at 3pm", "Tue 12/01/2027 15:00"),
    ("Friday 2pm", "Fri 15/01/2027 14:00"),
    ("tue 12 jan at 10", "Tue 12/01/2027 10:00"),
    ("Wednesday at half past 2", "Wed 13/01/2027 14:30"),
    ("thursday at 3", "Thu 14/01/2027 15:00"),  # "at 3" is the afternoon
    ("15/1 at 10am", "Fri 15/01/2027 10:00"),  # day first
    ("14/01/2027 14:30", "Thu 14/01/2027 14:30"),  # the explicit formats still work
    ("2027-01-14 14:30", "Thu 14/01/2027 14:30"),
    ("14 Jan 2027 14:30", "Thu 14/01/2027 14:30"),
    ("yesterday at 10", "Sun 10/01/2027 10:00"),  # read as said, so the booking can say it has passed
])
def test_natural_and_explicit_times_are_read_as_uk_wall_time(said, meant):
    assert uk(said) == meant


def test_summer_times_are_bst():
    instant = read_meeting_time("tomorrow at 10", SUMMER_MONDAY)
    assert instant == datetime(2027, 6, 15, 9, 0, tzinfo=timezone.utc) and uk("tomorrow at 10", SUMMER_MONDAY).endswith("10:00")


def test_a_day_without_a_time_says_what_was_understood_and_asks_for_the_time():
    with pytest.raises(PartlyUnderstood) as caught:
        read_meeting_time("Tuesday", MONDAY_9AM)
    assert caught.value.message.startswith("I got Tuesday 12 January; what time?")
    assert uk("10", so_far=caught.value.understood) == "Tue 12/01/2027 10:00"


def test_a_time_without_a_day_asks_which_day_and_keeps_the_time():
    with pytest.raises(PartlyUnderstood) as caught:
        read_meeting_time("10 o'clock", MONDAY_9AM)
    assert caught.value.message.startswith("I got 10:00; which day?")
    assert uk("next friday", so_far=caught.value.understood) == "Fri 15/01/2027 10:00"


def test_in_two_weeks_is_a_day_that_still_needs_a_time():
    with pytest.raises(PartlyUnderstood) as caught:
        read_meeting_time("in 2 weeks", MONDAY_9AM)
    assert caught.value.understood == Understood(day=date(2027, 1, 25))


def test_what_was_understood_survives_being_stored():
    understood = Understood(date(2027, 1, 12), time(10, 30))
    assert UNDERSTOOD.load(UNDERSTOOD.plain(understood)) == understood
    assert UNDERSTOOD.load({"day": "2027-01-12"}) == Understood(date(2027, 1, 12))  # as the hand-written to_doc left it


@pytest.mark.parametrize("nonsense", ["blah", "", "   "])
def test_unreadable_times_get_examples(nonsense):
    with pytest.raises(InvalidInput) as caught:
        read_meeting_time(nonsense, MONDAY_9AM)
    assert "next Tuesday at 10" in caught.value.message or "day and a time" in caught.value.message


@pytest.mark.parametrize("said, days", [
    ("2 weeks", 14), ("for 2 weeks", 14), ("a month", 31), ("for a month", 31), ("10 days", 10),
    ("a fortnight", 14), ("until Friday", 4), ("six weeks", 42), ("3", 3),
])
def test_lengths_of_time_in_days_from_today(said, days):
    assert read_days(said, date(2027, 1, 11), most=90) == days


@pytest.mark.parametrize("said", ["for 100 days", "forever", "whenever"])
def test_lengths_out_of_range_or_unreadable_are_refused_kindly(said):
    with pytest.raises(InvalidInput) as caught:
        read_days(said, date(2027, 1, 11), most=90)
    assert "90" in caught.value.message
