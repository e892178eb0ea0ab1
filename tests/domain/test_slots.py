"""Suggested slots: both diaries, shift rotas, working hours in other time zones, and the UK clock changes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.intervals import Interval, intersect, merged, subtract
from bot.domain.shifts import AskEachTime, Rota, Shift, describe, pattern_from_doc
from bot.domain.slots import Diary, SlotPolicy, WorkingHours, suggest

UK = ZoneInfo("Europe/London")
NEW_YORK = "America/New_York"
WEEKDAYS = frozenset(range(5))


def uk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK).astimezone(timezone.utc)


def busy(day: date, start: int, end: int) -> Interval:
    return Interval(uk(day, start), uk(day, end))


def uk_times(suggestions) -> list[tuple[date, time]]:
    return [(s.starts_at.astimezone(UK).date(), s.starts_at.astimezone(UK).time()) for s in suggestions.slots]


OFFICE = WorkingHours(WEEKDAYS, time(9), time(17), "Europe/London")
MON = date(2027, 1, 11)


def test_two_free_people_get_three_hour_slots_on_the_quarter_hour_on_spread_out_weekdays():
    found = suggest(Diary("PC Jones"), Diary("Sam"), uk(MON, 0), uk(MON + timedelta(days=14), 0))

    assert found.found and found.message == ""
    assert uk_times(found) == [(date(2027, 1, 11), time(10)), (date(2027, 1, 13), time(14)),
                               (date(2027, 1, 15), time(16, 30))]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=60) for s in found.slots)
    assert all(s.to_confirm == () for s in found.slots)


def test_busy_blocks_in_either_diary_are_avoided():
    mentor = Diary("PC Jones", busy=[busy(MON, 8, 12), busy(MON + timedelta(days=2), 8, 20)])
    mentee = Diary("Sam", busy=[busy(MON, 12, 13), busy(MON + timedelta(days=3), 13, 15)])

    found = suggest(mentor, mentee, uk(MON, 0), uk(MON + timedelta(days=14), 0))

    # Monday: both clear from 13:00; Wednesday is full, so Thursday; Saturday and Sunday are not offered.
    assert uk_times(found) == [(date(2027, 1, 11), time(13)), (date(2027, 1, 14), time(15)),
                               (date(2027, 1, 18), time(16, 30))]
    for slot in found.slots:
        meeting = Interval(slot.starts_at, slot.ends_at)
        assert not any(meeting.overlaps(b) for b in [*mentor.busy, *mentee.busy])


def test_an_officer_on_earlies_lates_and_nights_meets_an_office_worker_around_shifts_travel_and_sleep():
    # From Mon 11 Jan: early, early, late, late, night, night, then four off.
    officer = Diary("PC Jones", pattern=Rota.parse("EELLNN----", MON), working_hours=OFFICE)
    mentor = Diary("Sam", working_hours=OFFICE)

    found = suggest(officer, mentor, uk(MON, 0), uk(MON + timedelta(days=10), 0), SlotPolicy(min_gap_days=1))

    # Earlies end 15:00 (+1 h home): 16:00 is the only office-hours hour. Lates start 15:00 (-1 h travel):
    # 09:00-13:00 would do but the 2-day spread is relaxed to 1 day here, so each day gets its nearest fit.
    assert uk_times(found) == [(date(2027, 1, 11), time(16)), (date(2027, 1, 12), time(16)),
                               (date(2027, 1, 13), time(13))]
    # The officer's own Outlook working hours are ignored: the rota says when they work.


def test_after_night_shifts_no_morning_is_offered():
    officer = Diary("PC Jones", pattern=Rota.parse("NNNN----", MON))  # nights Mon to Thu
    tue = MON + timedelta(days=1)

    found = suggest(officer, Diary("Sam"), uk(tue, 0), uk(tue + timedelta(days=3), 0))
    # Each morning after a night the officer sleeps until 14:00, so 10:00 moves to 14:00; the
    # evening ends at 21:00 (travel to the 23:00 night), inside UK daytime.
    assert uk_times(found) == [(tue, time(14)), (tue + timedelta(days=1), time(14)),
                               (tue + timedelta(days=2), time(16, 30))]

    before_first_night = suggest(officer, Diary("Sam"), uk(MON, 0), uk(tue, 0))
    assert uk_times(before_first_night) == [(MON, time(10))]
    assert before_first_night.message.startswith("I could only find 1 time: ")


def test_working_hours_in_new_york_overlap_uk_office_hours_in_the_afternoon_even_between_the_clock_changes():
    new_yorker = Diary("Alex", working_hours=WorkingHours(WEEKDAYS, time(9), time(17), NEW_YORK))
    londoner = Diary("Sam", working_hours=OFFICE)

    winter = suggest(new_yorker, londoner, uk(MON, 0), uk(MON + timedelta(days=14), 0))
    # New York is UTC-5 in January: 09:00 there is 14:00 in London; both stop at 17:00 London.
    assert [t for _, t in uk_times(winter)] == [time(14), time(14), time(16)]

    # 15-26 March 2027: New York is already on summer time (UTC-4), London not yet (UTC+0).
    march = suggest(new_yorker, londoner, uk(date(2027, 3, 15), 0), uk(date(2027, 3, 27), 0))
    assert [t for _, t in uk_times(march)] == [time(13), time(14), time(16)]


def test_slots_keep_uk_wall_time_across_the_spring_clock_change():
    # Fri 26 Mar (GMT) to Wed 31 Mar (BST): 10:00 UK is 10:00 UTC before, 09:00 UTC after.
    found = suggest(Diary("A"), Diary("B"), uk(date(2027, 3, 26), 0), uk(date(2027, 4, 1), 0))
    assert [s.starts_at for s in found.slots] == [
        datetime(2027, 3, 26, 10, tzinfo=timezone.utc), datetime(2027, 3, 29, 13, tzinfo=timezone.utc),
        datetime(2027, 3, 31, 15, 30, tzinfo=timezone.utc)]


def test_slots_keep_uk_wall_time_across_the_autumn_clock_change():
    found = suggest(Diary("A"), Diary("B"), uk(date(2027, 10, 29), 0), uk(date(2027, 11, 4), 0))
    assert [s.starts_at for s in found.slots] == [
        datetime(2027, 10, 29, 9, tzinfo=timezone.utc), datetime(2027, 11, 1, 14, tzinfo=timezone.utc),
        datetime(2027, 11, 3, 16, 30, tzinfo=timezone.utc)]


def test_a_night_shift_over_the_clock_changes_lasts_seven_or_nine_hours():
    rota = Rota.on_off(1, 0, Shift.NIGHT, date(2027, 1, 1))
    spring = rota.shifts(Interval(uk(date(2027, 3, 27), 22), uk(date(2027, 3, 28), 8)))
    autumn = rota.shifts(Interval(uk(date(2027, 10, 30), 22), uk(date(2027, 10, 31), 8)))
    assert [s.length for s in spring if s.starts_at == uk(date(2027, 3, 27), 23)] == [timedelta(hours=7)]
    assert [s.length for s in autumn if s.starts_at == uk(date(2027, 10, 30), 23)] == [timedelta(hours=9)]


def test_no_shared_time_says_so_and_invites_a_typed_time():
    officer = Diary("PC Jones", pattern=Rota.parse("NNNNNNN", MON))  # free 14:00-22:00 each day
    mornings = Diary("Sam", working_hours=WorkingHours(WEEKDAYS, time(8), time(13), "Europe/London"))

    found = suggest(officer, mornings, uk(MON, 0), uk(MON + timedelta(days=14), 0))

    assert not found.found
    assert found.message.startswith("I couldn't find a time for you both: your free times don't line up")
    assert "Please type a time" in found.message


def test_a_fully_booked_person_is_named():
    full = Diary("Sam", busy=[Interval(uk(MON, 0), uk(MON + timedelta(days=30), 0))])
    found = suggest(Diary("PC Jones"), full, uk(MON, 0), uk(MON + timedelta(days=14), 0))
    assert not found.found
    assert "Sam has no free 60 minutes in the daytime between Mon 11 Jan 2027 and Mon 25 Jan 2027" in found.message


def test_a_window_shorter_than_a_session_says_so():
    found = suggest(Diary("A"), Diary("B"), uk(MON, 10), uk(MON, 10, 30))
    assert not found.found and "not enough time" in found.message


def test_someone_who_tells_us_each_time_is_asked_to_confirm():
    found = suggest(Diary("PC Jones", pattern=AskEachTime()), Diary("Sam"), uk(MON, 0), uk(MON + timedelta(days=7), 0))
    assert len(found.slots) == 3
    assert all(slot.to_confirm == ("PC Jones",) for slot in found.slots)


def test_an_officer_who_meets_on_duty_is_offered_times_inside_day_shifts_only():
    officer = Diary("PC Jones", pattern=Rota.parse("DD--", MON, meets_on_shift=True))
    found = suggest(officer, Diary("Sam"), uk(MON, 0), uk(MON + timedelta(days=8), 0), SlotPolicy(min_gap_days=1))
    assert [d for d, _ in uk_times(found)] == [date(2027, 1, 11), date(2027, 1, 12), date(2027, 1, 15)]
    for slot in found.slots:
        local = slot.starts_at.astimezone(UK)
        assert time(7) <= local.time() and (slot.ends_at.astimezone(UK).time() <= time(19))


def test_a_tight_window_relaxes_the_spread_to_consecutive_days():
    found = suggest(Diary("A"), Diary("B"), uk(MON, 0), uk(MON + timedelta(days=3), 0))
    assert [d for d, _ in uk_times(found)] == [MON, MON + timedelta(days=1), MON + timedelta(days=2)]


def test_rotas_round_trip_and_unknown_letters_are_refused_kindly():
    rota = Rota.parse("E E L L N N - - - -", date(2027, 1, 4))
    assert rota.text == "EELLNN----"
    assert pattern_from_doc(rota.to_doc()) == rota
    assert pattern_from_doc(AskEachTime().to_doc()) == AskEachTime()
    assert rota.shift_on(date(2027, 1, 8)) is Shift.NIGHT and rota.shift_on(date(2027, 1, 14)) is Shift.EARLY
    assert describe(rota, date(2027, 1, 6)) == "EELLNN---- from 4 Jan 2027 (today: late)"
    assert Rota.on_off(4, 4, Shift.LONG_DAY, date(2027, 1, 4)).text == "DDDD----"
    with pytest.raises(InvalidInput, match="'X' is not a shift I know"):
        Rota.parse("EEXX", date(2027, 1, 4))


def test_interval_arithmetic():
    t = lambda h: uk(MON, h)  # noqa: E731
    free = merged([Interval(t(8), t(12)), Interval(t(11), t(14)), Interval(t(16), t(18))])
    assert free == [Interval(t(8), t(14)), Interval(t(16), t(18))]
    assert subtract(free, [Interval(t(9), t(10)), Interval(t(13), t(17))]) == [
        Interval(t(8), t(9)), Interval(t(10), t(13)), Interval(t(17), t(18))]
    assert intersect(free, [Interval(t(12), t(17))]) == [Interval(t(12), t(14)), Interval(t(16), t(17))]


def _fits(diary: Diary, meeting: Interval) -> bool:
    """Brute force, independent of the interval arithmetic: may this person meet then?"""
    if any(meeting.overlaps(b) for b in diary.busy):
        return False
    rota = diary.pattern if isinstance(diary.pattern, Rota) else None
    if rota:
        return not any(meeting.overlaps(b) for b in rota.unavailable(meeting))
    if diary.working_hours:
        hours = diary.working_hours
        start = meeting.starts_at.astimezone(ZoneInfo(hours.time_zone))
        end = meeting.ends_at.astimezone(ZoneInfo(hours.time_zone))
        return (start.weekday() in hours.days and start.date() == end.date()
                and hours.starts <= start.time() and end.time() <= hours.ends)
    return True


def test_random_pairs_get_only_valid_slots_and_the_first_is_the_earliest_day_that_fits():
    import random

    from tests.benchmarks.slots import WINDOW_END, WINDOW_START, pairs

    for officer, partner in pairs(random.Random(7))[:60]:
        found = suggest(officer, partner, WINDOW_START, WINDOW_END)
        days = [s.starts_at.astimezone(UK).date() for s in found.slots]
        assert len(set(days)) == len(days)
        for slot in found.slots:
            local = slot.starts_at.astimezone(UK)
            assert local.minute % 15 == 0 and local.weekday() < 5
            assert time(8) <= local.time() and slot.ends_at.astimezone(UK).time() <= time(20)
            assert WINDOW_START <= slot.starts_at and slot.ends_at <= WINDOW_END
            meeting = Interval(slot.starts_at, slot.ends_at)
            assert _fits(officer, meeting) and _fits(partner, meeting)
        # Scan quarter hours from the window's start for the first hour both can make.
        first = None
        start = WINDOW_START
        while first is None and start + timedelta(hours=1) <= WINDOW_END:
            local = start.astimezone(UK)
            meeting = Interval(start, start + timedelta(hours=1))
            if (local.weekday() < 5 and time(8) <= local.time() <= time(19)
                    and _fits(officer, meeting) and _fits(partner, meeting)):
                first = local.date()
            start += timedelta(minutes=15)
        assert (days[0] if days else None) == first
