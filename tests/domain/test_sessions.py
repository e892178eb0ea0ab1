"""Scheduling rules: no past times, nothing after the contract ends, no clash; held only when both say so."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState, NotAllowed
from bot.domain.people import Role
from bot.domain.sessions import Schedule, SessionStatus
from tests.domain.builders import NOW, at
from bot.storage.kinds import SCHEDULE

LAST_DAY = date(2027, 6, 30)


def booked(schedule: Schedule = Schedule("p1"), when=at(20), sid="s1") -> Schedule:
    schedule, _ = schedule.propose(sid, Role.MENTEE, when, 60, LAST_DAY, NOW)
    schedule, _, _ = schedule.accept(Role.MENTOR, sid, LAST_DAY, NOW)
    return schedule


def test_session_in_the_past_is_refused():
    with pytest.raises(InvalidInput, match="has passed"):
        Schedule("p1").propose("s1", Role.MENTEE, NOW - timedelta(hours=1), 60, LAST_DAY, NOW)


def test_session_after_the_contract_ends_is_refused():
    with pytest.raises(InvalidInput, match="after your contract ends"):
        Schedule("p1").propose("s1", Role.MENTEE, at(1, month=7), 60, LAST_DAY, NOW)


def test_session_clashing_with_a_confirmed_session_is_refused():
    schedule = booked()
    with pytest.raises(InvalidInput, match="clashes"):
        schedule.propose("s2", Role.MENTOR, at(20) + timedelta(minutes=30), 60, LAST_DAY, NOW)
    schedule.propose("s2", Role.MENTOR, at(20) + timedelta(minutes=60), 60, LAST_DAY, NOW)  # back to back is fine


def test_only_the_partner_can_accept_a_proposal():
    schedule, _ = Schedule("p1").propose("s1", Role.MENTEE, at(20), 60, LAST_DAY, NOW)
    with pytest.raises(NotAllowed):
        schedule.accept(Role.MENTEE, "s1", LAST_DAY, NOW)
    schedule, confirmed, _ = schedule.accept(Role.MENTOR, "s1", LAST_DAY, NOW)
    assert confirmed.status is SessionStatus.CONFIRMED
    with pytest.raises(AlreadyDone):
        schedule.accept(Role.MENTOR, "s1", LAST_DAY, NOW)


def test_declined_proposal_cannot_then_be_accepted():
    schedule, _ = Schedule("p1").propose("s1", Role.MENTEE, at(20), 60, LAST_DAY, NOW)
    schedule, declined = schedule.decline(Role.MENTOR, "s1", NOW)
    assert declined.status is SessionStatus.DECLINED
    with pytest.raises(InvalidState):
        schedule.accept(Role.MENTOR, "s1", LAST_DAY, NOW)


def test_counter_proposal_replaces_the_original_and_goes_back_to_the_proposer():
    schedule, _ = Schedule("p1").propose("s1", Role.MENTEE, at(20), 60, LAST_DAY, NOW)
    schedule, counter = schedule.propose("s2", Role.MENTOR, at(21), 60, LAST_DAY, NOW, answering="s1")
    assert schedule.session("s1").status is SessionStatus.COUNTERED
    schedule, confirmed, _ = schedule.accept(Role.MENTEE, "s2", LAST_DAY, NOW)
    assert confirmed.starts_at == at(21)


def test_reschedule_moves_a_confirmed_session_only_when_accepted():
    schedule = booked()
    schedule, move = schedule.propose("s2", Role.MENTOR, at(20, hour=10) + timedelta(minutes=30), 60, LAST_DAY, NOW, moving="s1")
    assert schedule.session("s1").status is SessionStatus.CONFIRMED  # the old time stands until accepted
    schedule, confirmed, moved = schedule.accept(Role.MENTEE, "s2", LAST_DAY, NOW)
    assert moved.id == "s1" and schedule.session("s1").status is SessionStatus.RESCHEDULED
    assert [s.id for s in schedule.upcoming(NOW)] == ["s2"]


def test_cancelled_session_frees_its_slot():
    schedule = booked()
    schedule, cancelled = schedule.cancel(Role.MENTEE, "s1", NOW)
    assert cancelled.status is SessionStatus.CANCELLED
    schedule.propose("s2", Role.MENTOR, at(20), 60, LAST_DAY, NOW)


def test_held_only_when_both_say_it_happened():
    schedule = booked()
    after = at(20, hour=12)
    with pytest.raises(InvalidState, match="hasn't started"):
        schedule.record_attendance(Role.MENTOR, "s1", True, NOW)
    schedule, half = schedule.record_attendance(Role.MENTOR, "s1", True, after)
    assert half.status is SessionStatus.CONFIRMED and schedule.awaiting_outcome(after, Role.MENTEE)
    schedule, both = schedule.record_attendance(Role.MENTEE, "s1", True, after)
    assert both.status is SessionStatus.HELD and schedule.held() == [both]


def test_not_held_if_either_says_it_did_not_happen():
    schedule = booked()
    schedule, outcome = schedule.record_attendance(Role.MENTEE, "s1", False, at(20, hour=12))
    assert outcome.status is SessionStatus.NOT_HELD


def test_next_session_is_due_one_cadence_after_the_last_held_one():
    from bot.domain.contracts import Cadence

    schedule = booked()
    schedule, _ = schedule.record_attendance(Role.MENTOR, "s1", True, at(21))
    schedule, _ = schedule.record_attendance(Role.MENTEE, "s1", True, at(21))
    assert schedule.next_due_by(Cadence.MONTHLY.next_due, date(2027, 1, 11)) == date(2027, 2, 20)


def test_schedule_round_trips_through_its_document():
    schedule = booked()
    assert SCHEDULE.load(SCHEDULE.dump(schedule)) == schedule
