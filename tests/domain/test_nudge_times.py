"""Each recipient's next moment for a nudge: outside quiet hours, outside their shifts (travel and the
sleep after nights), inside their Outlook working hours when known; quiet hours alone when nothing fits."""

from __future__ import annotations

from datetime import date, datetime, time

from bot.domain.nudges import Availability, QuietHours, next_nudge_moment
from bot.domain.shifts import Rota
from bot.domain.slots import WorkingHours
from bot.domain.uktime import uk_instant

MON = date(2027, 1, 11)
QUIET = QuietHours()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return uk_instant(day, time(hour, minute))


def test_a_rota_of_nights_moves_a_9am_nudge_to_the_afternoon():
    nights = Availability(rota=Rota.parse("NNNNNNN", MON))
    assert next_nudge_moment(QUIET, nights, at(MON, 9)) == at(MON, 14)


def test_someone_with_no_pattern_keeps_the_quiet_hours_alone():
    assert next_nudge_moment(QUIET, Availability(), at(MON, 9)) == at(MON, 9)
    assert next_nudge_moment(QUIET, Availability(), at(MON, 7)) == at(MON, 8)
    assert next_nudge_moment(QUIET, Availability(), at(date(2027, 1, 16), 10)) == at(date(2027, 1, 18), 8)  # Saturday


def test_an_early_shift_and_its_travel_move_a_nudge_to_after_the_journey_home():
    earlies = Availability(rota=Rota.parse("EEEEE--", MON))
    assert next_nudge_moment(QUIET, earlies, at(MON, 9)) == at(MON, 16)  # 07-15, home by 16:00
    assert next_nudge_moment(QUIET, earlies, at(MON, 17)) == at(MON, 17)


def test_someone_who_meets_on_shift_can_be_nudged_on_a_day_shift_but_never_after_a_night():
    on_duty = Availability(rota=Rota.parse("ENE", MON, meets_on_shift=True))  # Mon early, Tue night, Wed early
    assert next_nudge_moment(QUIET, on_duty, at(MON, 9)) == at(MON, 9)  # on an early shift
    assert next_nudge_moment(QUIET, on_duty, at(date(2027, 1, 13), 9)) == at(date(2027, 1, 13), 14)  # asleep after the night


def test_a_late_shift_then_quiet_hours_carry_a_nudge_to_the_next_morning():
    lates = Availability(rota=Rota.parse("L------", MON))
    assert next_nudge_moment(QUIET, lates, at(MON, 17, 30)) == at(date(2027, 1, 12), 8)


def test_outlook_working_hours_in_another_zone_move_a_nudge_into_them():
    new_york = WorkingHours(frozenset(range(5)), time(9), time(17), "America/New_York")
    assert next_nudge_moment(QUIET, Availability(working_hours=new_york), at(MON, 9)) == at(MON, 14)
    london = WorkingHours(frozenset(range(5)), time(12), time(17), "Europe/London")
    assert next_nudge_moment(QUIET, Availability(working_hours=london), at(MON, 17, 30)) == at(date(2027, 1, 12), 12)


def test_a_rota_says_when_someone_works_so_their_outlook_hours_are_not_used():
    office = WorkingHours(frozenset(range(5)), time(9), time(10), "Europe/London")
    both = Availability(rota=Rota.parse("-", MON), working_hours=office)
    assert next_nudge_moment(QUIET, both, at(MON, 15)) == at(MON, 15)


def test_when_nothing_fits_within_two_weeks_the_quiet_hours_decide_so_nothing_is_lost():
    weekends_only = WorkingHours(frozenset({5, 6}), time(9), time(17), "Europe/London")
    assert next_nudge_moment(QUIET, Availability(working_hours=weekends_only), at(MON, 9)) == at(MON, 9)


def test_a_copy_postponed_for_one_person_is_its_own_item_and_keeps_who_it_is_for():
    from bot.domain.due import REMINDER, DueItem
    from bot.storage.kinds import DUE_ITEM

    item = DueItem(REMINDER, at(MON, 9), "p1", "s1", detail="60", sent_to=("t:a",))
    copy = DueItem(REMINDER, at(MON, 9), "p1", "s1", detail="60", only_to=("t:b",))
    assert copy.id != item.id and copy.fresh().only_to == ("t:b",) and item.fresh().sent_to == ()
    assert DUE_ITEM.load(DUE_ITEM.dump(copy)) == copy and "onlyTo" not in DUE_ITEM.dump(item)
