"""The programme report's figures, from pair histories the tests build, and the small-cell rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from bot.domain.alerts import Alert, AlertAction, AlertKind
from bot.domain.contracts import Cadence, Contract
from bot.domain.drift import Health
from bot.domain.people import Role
from bot.domain.programmes import Pair, PairStatus
from bot.domain.report import (
    SUPPRESSED, PairSummary, breakdown, build_report, count_figure, expected_sessions, measure_figure, summarise,
)
from bot.domain.sessions import Schedule
from tests.domain.builders import NOW, PROGRAMME_END, TODAY, clauses
from bot.storage.kinds import PAIR_SUMMARY


def on(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.utc)


def pair(pid: str, paired: datetime = NOW, status: PairStatus = PairStatus.ACTIVE) -> Pair:
    return Pair(pid, "prog", "t", f"mentor-{pid}", f"mentee-{pid}", status, paired, "manager")


def agreed_on(pid: str, when: datetime, cadence: Cadence = Cadence.MONTHLY) -> Contract:
    start = when.date()
    contract, _ = Contract(pid).propose(Role.MENTEE, clauses(cadence=cadence, start_date=start), PROGRAMME_END, when)
    contract, _ = contract.accept(Role.MENTOR, 1, when)
    return contract


def history(pid: str, outcomes: list[tuple[date, str]]) -> Schedule:
    """Sessions each booked a week ahead, then held, not held or cancelled."""
    schedule = Schedule(pid)
    for n, (day, outcome) in enumerate(outcomes):
        sid = f"{pid}-s{n}"
        booked_at = on(day) - timedelta(days=7)
        schedule, _ = schedule.propose(sid, Role.MENTEE, on(day), 60, PROGRAMME_END, booked_at)
        schedule, _, _ = schedule.accept(Role.MENTOR, sid, PROGRAMME_END, booked_at)
        if outcome == "cancelled":
            schedule, _ = schedule.cancel(Role.MENTOR, sid, booked_at + timedelta(days=1))
        else:
            after = on(day) + timedelta(hours=2)
            schedule, _ = schedule.record_attendance(Role.MENTOR, sid, outcome == "held", after)
            schedule, _ = schedule.record_attendance(Role.MENTEE, sid, outcome == "held", after)
    return schedule


def alert(pid: str, raised: datetime, resolved_after: timedelta | None) -> Alert:
    a = Alert(f"help.{pid}.{raised.isoformat()}", "prog", pid, AlertKind.HELP, "would like a word", raised)
    return a.act(AlertAction.RESOLVE, "manager", "Manager", raised + resolved_after, "talked") if resolved_after else a


def test_monthly_contract_calls_for_one_session_a_month_until_its_end():
    assert expected_sessions(Cadence.MONTHLY, date(2027, 1, 11), date(2027, 7, 11), date(2027, 4, 20)) == 3
    assert expected_sessions(Cadence.FORTNIGHTLY, date(2027, 1, 11), date(2027, 7, 11), date(2027, 2, 8)) == 2
    assert expected_sessions(Cadence.MONTHLY, date(2027, 1, 11), date(2027, 3, 1), date(2027, 12, 1)) == 1


def test_a_pair_summary_counts_dates_and_outcomes_without_content():
    p = pair("p1")
    contract = agreed_on("p1", NOW + timedelta(days=4))
    schedule = history("p1", [(date(2027, 2, 1), "held"), (date(2027, 3, 1), "not held"), (date(2027, 3, 20), "cancelled"),
                              (date(2027, 4, 1), "held")])
    alerts = [alert("p1", on(date(2027, 3, 2)), timedelta(hours=30)), alert("p1", on(date(2027, 4, 2)), None)]
    summary = summarise(p, contract, schedule, alerts, on(date(2027, 4, 20)))
    assert (summary.held, summary.not_held, summary.cancelled) == (2, 1, 1)
    assert summary.contract_agreed_on == date(2027, 1, 15) and summary.first_session_on == date(2027, 2, 1)
    assert summary.expected == 3  # due 15 Feb, 15 Mar, 15 Apr
    assert (summary.alerts_raised, summary.alerts_resolved, summary.resolution_hours) == (2, 1, (30.0,))
    assert [m for m, _ in summary.health_by_month] == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert "would like a word" not in str(PAIR_SUMMARY.dump(summary))
    assert PAIR_SUMMARY.load(PAIR_SUMMARY.dump(summary)) == summary


def test_health_by_month_is_judged_as_things_stood_at_each_months_end():
    p = pair("p1")
    # No contract for the whole of January (paired 11 Jan, drifting from the 25th); agreed 3 Feb, then meeting monthly.
    contract = agreed_on("p1", on(date(2027, 2, 3)))
    schedule = history("p1", [(date(2027, 2, 20), "held"), (date(2027, 3, 18), "held")])
    summary = summarise(p, contract, schedule, [], on(date(2027, 3, 25)))
    assert dict(summary.health_by_month) == {"2027-01": Health.DRIFTING, "2027-02": Health.ON_TRACK, "2027-03": Health.ON_TRACK}


def test_small_counts_are_suppressed_and_zero_is_shown():
    assert count_figure("k", "K", 2).shown == SUPPRESSED and count_figure("k", "K", 2).value is None
    assert count_figure("k", "K", 0).shown == "0" and count_figure("k", "K", 3).shown == "3"
    assert measure_figure("m", "M", 4.0, 2, "days").shown == SUPPRESSED
    assert measure_figure("m", "M", 4.0, 3, "days").shown == "4 days"


def test_one_suppressed_cell_in_a_breakdown_takes_the_next_smallest_with_it():
    cells = breakdown([("a", "A", 5), ("b", "B", 4), ("c", "C", 1)], total_shown=True)
    assert [f.shown for f in cells] == ["5", SUPPRESSED, SUPPRESSED]
    # Without a total to subtract from, one suppressed cell is enough.
    assert [f.shown for f in breakdown([("a", "A", 5), ("b", "B", 4), ("c", "C", 1)], total_shown=False)] == ["5", "4", SUPPRESSED]
    assert [f.shown for f in breakdown([("a", "A", 5), ("b", "B", 4), ("c", "C", 0)], total_shown=True)] == ["5", "4", "0"]


def programme(now: datetime) -> list[PairSummary]:
    """Five pairs whose history is known: what the report must say is worked out by hand below."""
    rows = []
    # p1-p3: agreed in 2, 4 and 6 days; each held monthly sessions Feb-Apr; first session 21, 21, 21 days after pairing.
    for n, days in enumerate((2, 4, 6), start=1):
        pid = f"p{n}"
        rows.append(summarise(pair(pid), agreed_on(pid, NOW + timedelta(days=days)),
                              history(pid, [(date(2027, 2, 1), "held"), (date(2027, 3, 1), "held"), (date(2027, 4, 1), "held")]),
                              [alert(pid, on(date(2027, 3, 5)), timedelta(hours=10 * n))], now))
    # p4: agreed in 10 days, one session held, then one missed and one cancelled (drifting: the last two didn't happen).
    rows.append(summarise(pair("p4"), agreed_on("p4", NOW + timedelta(days=10)),
                          history("p4", [(date(2027, 2, 10), "held"), (date(2027, 3, 10), "not held"), (date(2027, 4, 10), "cancelled")]),
                          [alert("p4", on(date(2027, 4, 11)), None)], now))
    # p5: never agreed a contract (drifting), closed.
    rows.append(summarise(pair("p5", status=PairStatus.CLOSED), Contract("p5"), Schedule("p5"), [], now))
    return rows


def test_the_figures_match_a_programme_whose_history_is_known():
    now = on(date(2027, 4, 20))
    report = build_report("prog", "Pilot", programme(now), now.date())
    shown = {f.key: f.shown for f in report.all_figures()}
    assert shown["pairs_matched"] == "5"
    assert shown["contracts_agreed"] == "4"
    assert shown["median_days_to_agree"] == "5 days"  # 2, 4, 6, 10
    assert shown["sessions_held"] == "10" and shown["sessions_expected"] == "11"  # 3 due by 20 April for p1-p3; p4's third is due 21 April
    assert shown["sessions_held_pct"] == "90.9%"  # 10 of 11
    assert shown["sessions_cancelled"] == "1" and shown["sessions_not_held"] == "1"
    assert shown["median_days_to_first_session"] == "21 days"  # 21, 21, 21, 30
    assert shown["alerts_raised"] == "4" and shown["alerts_resolved"] == "3"
    assert shown["median_hours_to_resolve"] == "20 hours"  # 10, 20, 30
    # Four active, one closed: the closed one is suppressed, and so is the active count (4 = 5 - 1).
    assert shown["pairs_active"] == SUPPRESSED and shown["pairs_closed"] == SUPPRESSED
    # Health now: three on track, one drifting; their total is suppressed, so no secondary suppression needed.
    assert (shown["on_track"], shown["at_risk"], shown["drifting"]) == ("3", "0", SUPPRESSED)


def test_a_three_pair_pilot_shows_nothing_that_singles_out_a_pair():
    now = on(date(2027, 4, 20))
    rows = programme(now)[:2] + programme(now)[3:4]  # p1, p2 and the drifting p4
    report = build_report("prog", "Pilot", rows, now.date())
    shown = {f.key: f.shown for f in report.all_figures()}
    assert shown["pairs_matched"] == "3" and shown["median_days_to_agree"] == "4 days"
    assert shown["drifting"] == SUPPRESSED and shown["on_track"] == SUPPRESSED  # 2 on track, 1 drifting
    assert shown["alerts_resolved"] == SUPPRESSED and shown["median_hours_to_resolve"] == SUPPRESSED  # 2 pairs resolved
    for month in report.by_month:
        visible = [f for f in month.health if not f.suppressed]
        assert all(f.value == 0 or f.value >= 3 for f in visible)


def test_the_report_is_deterministic_whatever_order_the_summaries_come_in():
    now = on(date(2027, 4, 20))
    rows = programme(now)
    assert build_report("prog", "Pilot", rows, now.date()) == build_report("prog", "Pilot", list(reversed(rows)), now.date())


def test_a_summary_for_a_pair_just_paired_has_no_measures_yet():
    summary = summarise(pair("p1"), Contract("p1"), Schedule("p1"), [], NOW)
    report = build_report("prog", "Pilot", [summary, replace(summary, pair_id="p2"), replace(summary, pair_id="p3")], TODAY)
    assert report.figure("median_days_to_agree").shown == "no data yet"
    assert report.figure("sessions_held_pct").shown == "no data yet"
