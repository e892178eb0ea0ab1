"""Drift follows each pair's own contract: its cadence and its dates, not one fixed number."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from bot.domain.contracts import Cadence, Contract
from bot.domain.drift import Health, Rule, assess
from bot.domain.people import Role
from bot.domain.programmes import Pair, PairStatus
from bot.domain.sessions import Schedule
from tests.domain.builders import NOW, PROGRAMME_END, clauses

PAIR = Pair("p1", "prog", "t", "mentor", "mentee", PairStatus.ACTIVE, NOW, "manager")


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)


def agreed(cadence: Cadence = Cadence.MONTHLY, **changes) -> Contract:
    contract, _ = Contract("p1").propose(Role.MENTEE, clauses(cadence=cadence, **changes), PROGRAMME_END, NOW)
    contract, _ = contract.accept(Role.MENTOR, 1, NOW)
    return contract


def test_no_contract_is_fine_for_a_week_at_risk_after_it_and_drifting_after_two():
    assert assess(PAIR, Contract("p1"), Schedule("p1"), NOW + timedelta(days=3)).health is Health.ON_TRACK
    assert assess(PAIR, Contract("p1"), Schedule("p1"), NOW + timedelta(days=8)).health is Health.AT_RISK
    drifting = assess(PAIR, Contract("p1"), Schedule("p1"), NOW + timedelta(days=15))
    assert drifting.health is Health.DRIFTING and drifting.findings[0].rule is Rule.NO_CONTRACT


def test_monthly_pair_with_no_session_for_five_weeks_is_drifting():
    start = date(2027, 1, 11)
    assert assess(PAIR, agreed(), Schedule("p1"), on(start + timedelta(days=20))).health is Health.ON_TRACK
    at_risk = assess(PAIR, agreed(), Schedule("p1"), on(date(2027, 2, 13)))
    assert at_risk.health is Health.AT_RISK and "none is booked" in at_risk.reason
    drifting = assess(PAIR, agreed(), Schedule("p1"), on(start + timedelta(weeks=5)))
    assert drifting.health is Health.DRIFTING and "monthly" in drifting.reason


def test_a_fortnightly_contract_drifts_sooner_than_a_monthly_one():
    three_weeks = on(date(2027, 1, 11) + timedelta(days=21))
    assert assess(PAIR, agreed(Cadence.FORTNIGHTLY), Schedule("p1"), three_weeks).health is Health.DRIFTING
    assert assess(PAIR, agreed(Cadence.MONTHLY), Schedule("p1"), three_weeks).health is Health.ON_TRACK


def test_a_booked_session_keeps_a_pair_past_its_due_date_on_track():
    schedule, s = Schedule("p1").propose("s1", Role.MENTEE, on(date(2027, 2, 15)), 60, PROGRAMME_END, NOW)
    schedule, _, _ = schedule.accept(Role.MENTOR, "s1", PROGRAMME_END, NOW)
    assert assess(PAIR, agreed(), schedule, on(date(2027, 2, 13))).health is Health.ON_TRACK


def test_two_cancellations_in_a_row_is_drifting():
    schedule = Schedule("p1")
    for sid, day in (("s1", 20), ("s2", 27)):
        schedule, _ = schedule.propose(sid, Role.MENTEE, on(date(2027, 1, day)), 60, PROGRAMME_END, NOW)
        schedule, _, _ = schedule.accept(Role.MENTOR, sid, PROGRAMME_END, NOW)
        schedule, _ = schedule.cancel(Role.MENTOR, sid, NOW)
    result = assess(PAIR, agreed(), schedule, NOW + timedelta(days=1))
    assert result.health is Health.DRIFTING and any(f.rule is Rule.CANCELLED_TWICE for f in result.findings)


def test_contract_end_passing_without_a_closing_conversation_is_drifting():
    contract = agreed(end_date=date(2027, 3, 1), review_date=date(2027, 2, 1))
    assert assess(PAIR, contract, Schedule("p1"), on(date(2027, 3, 3))).health is Health.ON_TRACK  # a week's grace
    ended = assess(PAIR, contract, Schedule("p1"), on(date(2027, 3, 10)))
    assert ended.health is Health.DRIFTING and ended.findings[0].rule is Rule.ENDED_WITHOUT_CLOSE


def test_the_next_check_is_when_the_assessment_could_next_change():
    fresh = assess(PAIR, Contract("p1"), Schedule("p1"), NOW)
    assert fresh.next_check is not None and fresh.next_check.date() == (NOW + timedelta(days=7)).date()


def test_a_member_teams_says_removed_or_blocked_tandem_makes_the_pair_drift():
    day = on(date(2027, 1, 20))  # otherwise on track: a contract in force, well inside its cadence
    assert assess(PAIR, agreed(), Schedule("p1"), day).health is Health.ON_TRACK
    cut_off = assess(PAIR, agreed(), Schedule("p1"), day, unreachable=(("Adele", date(2027, 1, 18)),))
    assert cut_off.health is Health.DRIFTING and cut_off.findings[-1].rule is Rule.UNREACHABLE
    assert "Adele can't be reached in Teams" in cut_off.reason


def test_silence_counts_from_the_second_unanswered_reminder():
    day = on(date(2027, 1, 20))
    once = assess(PAIR, agreed(), Schedule("p1"), day, unanswered=(("Adele", 1, date(2027, 1, 19)),))
    twice = assess(PAIR, agreed(), Schedule("p1"), day, unanswered=(("Adele", 2, date(2027, 1, 19)),))
    assert once.health is Health.ON_TRACK and twice.health is Health.DRIFTING and "2 reminders" in twice.reason
