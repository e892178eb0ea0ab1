"""Nudges reach each person at their own next allowed moment: a rota moves theirs past the shift and the
sleep after nights, while their partner's goes as before; someone with no pattern keeps today's timing."""

from __future__ import annotations

from datetime import date

from cards import verbs
from tests.dialogs.harness import user
from tests.services.test_nudges import agreed_pair, booked, sweep_at

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
MON = date(2027, 1, 11)


async def test_a_rota_of_nights_moves_the_monday_morning_nudge_to_the_afternoon(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.suggestions.set_shift_pattern(MENTEE, "NNNNNNN", MON)
    assert not await sweep_at(world, "2027-01-18T08:05")  # due Saturday, held for Monday: she's asleep
    assert not await sweep_at(world, "2027-01-18T09:05")
    afternoon = await sweep_at(world, "2027-01-18T14:05")
    assert [pid for pid, m in afternoon if "contract isn't agreed yet" in m.text] == [MENTEE.id]
    assert not [m for _, m in await sweep_at(world, "2027-01-18T16:00") if "contract" in m.text]  # once


async def test_someone_told_me_each_time_keeps_the_usual_timing(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.suggestions.set_shift_pattern(MENTEE, "ask")
    monday = await sweep_at(world, "2027-01-18T08:05")
    assert [pid for pid, m in monday if "contract isn't agreed yet" in m.text] == [MENTEE.id]


async def test_the_partner_is_asked_now_and_the_officer_on_a_late_shift_the_next_morning(world):
    pair_id = await agreed_pair(world)
    await world.services.suggestions.set_shift_pattern(MENTOR, "LLLLLLL", MON)  # 15-23, busy 14:00-midnight
    await booked(world, pair_id, "2027-01-19T16:30")  # Tuesday, ends 17:30

    evening = await sweep_at(world, "2027-01-19T17:35")
    assert [pid for pid, m in evening if verbs.SESSION_HAPPENED in str(m.card)] == [MENTEE.id]
    morning = await sweep_at(world, "2027-01-20T08:05")
    assert [pid for pid, m in morning if verbs.SESSION_HAPPENED in str(m.card)] == [MENTOR.id]
    assert not await sweep_at(world, "2027-01-20T12:00")


async def test_a_reminder_that_cannot_reach_the_officer_before_the_session_is_not_sent_late(world):
    pair_id = await agreed_pair(world)
    await world.services.suggestions.set_shift_pattern(MENTOR, "L", MON)  # lates every day: busy 14:00-midnight
    await booked(world, pair_id, "2027-01-20T16:00")  # Wednesday

    day_before = await sweep_at(world, "2027-01-19T16:05")
    assert [pid for pid, m in day_before if "Reminder" in m.text] == [MENTEE.id]
    next_morning = await sweep_at(world, "2027-01-20T08:05")  # hers, moved to before her shift
    assert [(pid, "is today" in m.text) for pid, m in next_morning if "Reminder" in m.text] == [(MENTOR.id, True)]
    hour_before = await sweep_at(world, "2027-01-20T15:05")
    assert [pid for pid, m in hour_before if "Reminder" in m.text] == [MENTEE.id]
    assert not [m for _, m in await sweep_at(world, "2027-01-21T08:05") if "Reminder" in m.text]  # not after it
