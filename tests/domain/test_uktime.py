"""UK time: what people type is read as Europe/London wall time, correctly across clock changes."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.uktime import (
    AmbiguousTime, add_months, format_uk, from_card_inputs, parse_uk_date, parse_uk_datetime, which_reading,
)


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


def test_nonexistent_time_is_refused_even_with_a_zone():
    for zone in ("BST", "GMT"):
        with pytest.raises(InvalidInput, match="clocks go forward"):
            parse_uk_datetime(f"28/03/2027 01:30 {zone}")


@pytest.mark.parametrize("text", ["31/10/2027 01:30", "2027-10-31 01:30", "31 Oct 2027 1:30am", "31/10/2027 01:00"])
def test_a_time_in_the_hour_the_clocks_go_back_is_not_guessed_but_asked(text):
    with pytest.raises(AmbiguousTime) as question:
        parse_uk_datetime(text)
    assert "happens twice" in question.value.message
    assert "BST (the first)" in question.value.message and "GMT (the second)" in question.value.message


def test_explicit_bst_is_the_first_reading_of_the_repeated_hour():
    assert parse_uk_datetime("31/10/2027 01:30 BST") == datetime(2027, 10, 31, 0, 30, tzinfo=timezone.utc)
    assert parse_uk_datetime("2027-10-31 01:30 bst") == datetime(2027, 10, 31, 0, 30, tzinfo=timezone.utc)


def test_explicit_gmt_is_the_second_reading_an_hour_later():
    assert parse_uk_datetime("31/10/2027 01:30 GMT") == datetime(2027, 10, 31, 1, 30, tzinfo=timezone.utc)
    assert parse_uk_datetime("31/10/2027 01:30 (GMT)") == datetime(2027, 10, 31, 1, 30, tzinfo=timezone.utc)


def test_utc_is_read_as_gmt():
    assert parse_uk_datetime("31/10/2027 01:30 UTC") == datetime(2027, 10, 31, 1, 30, tzinfo=timezone.utc)
    assert parse_uk_datetime("14/01/2027 14:30 UTC") == datetime(2027, 1, 14, 14, 30, tzinfo=timezone.utc)


def test_a_zone_that_is_not_in_force_that_day_is_refused_not_converted():
    with pytest.raises(InvalidInput, match="UK is on BST, not GMT"):
        parse_uk_datetime("14/07/2027 14:30 GMT")
    with pytest.raises(InvalidInput, match="UK is on GMT, not BST"):
        parse_uk_datetime("14/01/2027 14:30 BST")
    assert parse_uk_datetime("14/07/2027 14:30 BST") == datetime(2027, 7, 14, 13, 30, tzinfo=timezone.utc)


def test_the_hours_either_side_of_the_repeated_hour_need_no_zone():
    assert parse_uk_datetime("31/10/2027 00:59") == datetime(2027, 10, 30, 23, 59, tzinfo=timezone.utc)
    assert parse_uk_datetime("31/10/2027 02:00") == datetime(2027, 10, 31, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("answer, zone", [
    ("GMT", "GMT"), ("bst", "BST"), ("01:30 GMT", "GMT"), ("1.30 bst", "BST"), ("the second", "GMT"),
    ("first", "BST"), ("the later one", "GMT"), ("UTC", "UTC"),
])
def test_the_answer_to_which_one_names_the_reading(answer, zone):
    assert which_reading(date(2027, 10, 31), time(1, 30), answer) == f"31/10/2027 01:30 {zone}"


@pytest.mark.parametrize("answer", ["02:30 GMT", "01/11/2027 10:00", "soon", ""])
def test_an_answer_about_another_time_is_read_afresh(answer):
    assert which_reading(date(2027, 10, 31), time(1, 30), answer) is None


def test_card_inputs_in_the_repeated_hour_are_asked_about_too():
    with pytest.raises(AmbiguousTime):
        from_card_inputs("2027-10-31", "01:30")


def test_an_unreadable_time_is_quoted_back_short_and_cleaned():
    with pytest.raises(InvalidInput) as refusal:
        parse_uk_datetime("[click](http://evil.example) " + "x" * 500 + " 10:00")
    message = refusal.value.message
    assert "[click](" not in message and "\\[click\\]" in message  # escaped: shows as typed, not a link
    assert "x" * 41 not in message and "\u2026" in message


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
