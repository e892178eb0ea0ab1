"""UK time: what people type is read as Europe/London wall time, correctly across clock changes."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.uktime import add_months, format_uk, from_card_inputs, parse_uk_date, parse_uk_datetime


def test_uk_dates_are_day_first():
    assert parse_uk_date("03/04/2027") == date(2027, 4, 3)
    assert parse_uk_date("2027-04-03") == date(2027, 4, 3)
    assert parse_uk_date("3 April 2027") == date(2027, 4, 3)


def test_winter_time_is_gmt_and_summer_time_is_bst():
    assert parse_uk_datetime("14/01/2027 14:30") == datetime(2027, 1, 14, 14, 30, tzinfo=timezone.utc)
    assert parse_uk_datetime("14/07/2027 14:30") == datetime(2027, 7, 14, 13, 30, tzinfo=timezone.utc)


def test_nonexistent_spring_forward_time_is_refused():
    with pytest.raises(InvalidInput, match="clocks go forward"):
        parse_uk_datetime("28/03/2027 01:30")


def test_ambiguous_autumn_time_reads_as_the_first_bst_occurrence():
    assert parse_uk_datetime("31/10/2027 01:30") == datetime(2027, 10, 31, 0, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["", "soon", "next tuesday-ish", "32/13/2027 25:00", "14/01 14:30", "2027-02-30 10:00"])
def test_unreadable_input_gets_a_kind_message_not_a_crash(text):
    with pytest.raises(InvalidInput) as refusal:
        parse_uk_datetime(text)
    assert "date" in refusal.value.message


def test_card_date_and_time_inputs_are_uk_wall_time():
    assert from_card_inputs("2027-07-14", "09:00") == datetime(2027, 7, 14, 8, 0, tzinfo=timezone.utc)
    with pytest.raises(InvalidInput):
        from_card_inputs("", "09:00")


def test_format_names_the_zone_in_force_that_day():
    assert format_uk(datetime(2027, 1, 14, 14, 30, tzinfo=timezone.utc)) == "Thu 14 Jan 2027, 14:30 GMT"
    assert format_uk(datetime(2027, 7, 14, 13, 30, tzinfo=timezone.utc)) == "Wed 14 Jul 2027, 14:30 BST"


def test_adding_a_month_clips_to_the_end_of_a_short_month():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 15), 2) == date(2028, 1, 15)
