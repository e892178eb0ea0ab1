"""The programme report: figures drawn from one small summary per pair, with small cells suppressed.

Small-cell rule (so nobody can be identified from the report):
1. A count of people or pairs that is 1 or 2 is shown as "fewer than 3" (0 is shown: it names nobody).
2. A median, rate or session count drawn from fewer than 3 pairs is not shown.
3. In a breakdown whose total is shown (on track / at risk / drifting, active / closed), if exactly one
   cell is suppressed the next smallest cell is suppressed too, so the hidden one cannot be found by
   subtracting the others from the total.
Summaries hold dates and counts only: never what anyone wrote or said.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any, Iterable

from bot.domain.alerts import Alert, AlertAction, AlertState
from bot.domain.contracts import Cadence, Contract, ContractStatus
from bot.domain.drift import Assessment, Health, assess
from bot.domain.programmes import Pair, PairStatus
from bot.domain.sessions import Schedule, SessionStatus
from bot.domain.uktime import add_months, uk_instant, uk_today

MIN_CELL = 3
SUPPRESSED = "fewer than 3"
NO_DATA = "no data yet"
RULE = ("Any figure drawn from fewer than 3 people or pairs is shown as \u201cfewer than 3\u201d, and where a "
        "total would reveal a hidden figure the next smallest is hidden too, so nobody can be identified.")


@dataclass(frozen=True)
class PairSummary:
    """What the report needs to know about one pair: dates and counts, no content."""

    pair_id: str
    programme_id: str
    active: bool
    paired_on: date
    contract_agreed_on: date | None
    cadence: Cadence | None
    first_session_on: date | None
    held: int
    cancelled: int
    not_held: int
    expected: int  # sessions the contract in force has called for so far
    health: Health
    health_by_month: tuple[tuple[str, Health], ...]  # ("2027-03", health at that month's end, or now)
    alerts_raised: int
    alerts_resolved: int
    resolution_hours: tuple[float, ...]
    updated_at: datetime


# Summarising one pair ---------------------------------------------------------------------------

def expected_sessions(cadence: Cadence, start: date, end: date, today: date) -> int:
    """How many sessions the cadence has called for by today (each due date passed, up to the end date)."""
    until = min(today, end)
    count, due = 0, cadence.next_due(start)
    while due <= until:
        count += 1
        due = add_months(start, count + 1) if cadence is Cadence.MONTHLY else cadence.next_due(due)
    return count


def _contract_as_of(contract: Contract, at: datetime) -> Contract:
    """The version that was in force at that moment (later versions and proposals ignored)."""
    was = [v for v in contract.versions if v.in_force_at is not None and v.in_force_at <= at]
    if not was:
        return Contract(contract.pair_id)
    latest = max(was, key=lambda v: v.in_force_at)
    return Contract(contract.pair_id, (replace(latest, status=ContractStatus.IN_FORCE),))


def _schedule_as_of(schedule: Schedule, at: datetime) -> Schedule:
    """Sessions as they stood then, as far as the record shows: anything settled later was still booked."""
    kept = []
    for s in schedule.sessions:
        if s.proposed_at > at:
            continue
        if s.changed_at is not None and s.changed_at > at:
            s = replace(s, status=SessionStatus.CONFIRMED, changed_at=None, attendance={})
        kept.append(s)
    return Schedule(schedule.pair_id, tuple(kept))


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_ends(first: date, last: date) -> list[date]:
    """The last day of each month from first's month up to (not including) last's month."""
    ends, cursor = [], date(first.year, first.month, 1)
    while (cursor.year, cursor.month) < (last.year, last.month):
        nxt = add_months(cursor, 1)
        ends.append(nxt - timedelta(days=1))
        cursor = nxt
    return ends


def resolution_hours(alert: Alert) -> float | None:
    if alert.state is not AlertState.RESOLVED:
        return None
    resolved = next((s.at for s in reversed(alert.steps) if s.action is AlertAction.RESOLVE), None)
    return round((resolved - alert.raised_at).total_seconds() / 3600, 2) if resolved else None


def summarise(pair: Pair, contract: Contract, schedule: Schedule, alerts: Iterable[Alert], now: datetime,
              assessment: Assessment | None = None) -> PairSummary:
    """A pair's summary now; `assessment` is the drift check's own (which also knows who is silent)."""
    today = uk_today(now)
    in_force = contract.in_force
    agreed = min((v.in_force_at for v in contract.versions if v.in_force_at), default=None)
    held = schedule.held()
    expected = 0
    if in_force is not None:
        clauses = in_force.clauses
        expected = expected_sessions(clauses.cadence, clauses.start_date, clauses.end_date, today)
    active = pair.status is PairStatus.ACTIVE
    current = (assessment or assess(pair, contract, schedule, now)).health if active else Health.ON_TRACK
    by_month = []
    for month_end in _month_ends(uk_today(pair.created_at), today):
        at = uk_instant(month_end, time(23, 59))
        by_month.append((_month_key(month_end), assess(pair, _contract_as_of(contract, at), _schedule_as_of(schedule, at), at).health))
    if active:
        by_month.append((_month_key(today), current))
    alerts = list(alerts)
    hours = tuple(h for h in (resolution_hours(a) for a in alerts) if h is not None)
    count = lambda status: sum(1 for s in schedule.sessions if s.status is status)  # noqa: E731
    return PairSummary(
        pair_id=pair.id, programme_id=pair.programme_id, active=active, paired_on=uk_today(pair.created_at),
        contract_agreed_on=uk_today(agreed) if agreed else None, cadence=in_force.clauses.cadence if in_force else None,
        first_session_on=uk_today(held[0].starts_at) if held else None,
        held=len(held), cancelled=count(SessionStatus.CANCELLED), not_held=count(SessionStatus.NOT_HELD), expected=expected,
        health=current, health_by_month=tuple(by_month),
        alerts_raised=len(alerts), alerts_resolved=len(hours), resolution_hours=hours, updated_at=now,
    )


# Figures ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None  # None when suppressed or there is nothing to measure yet
    shown: str  # exactly what a reader sees: "12", "fewer than 3", "9 days", "no data yet"
    base: int  # how many pairs the figure is drawn from

    @property
    def suppressed(self) -> bool:
        return self.shown == SUPPRESSED


def count_figure(key: str, label: str, value: int) -> Figure:
    """A count of pairs or people: 1 or 2 is suppressed."""
    if 0 < value < MIN_CELL:
        return Figure(key, label, None, SUPPRESSED, value)
    return Figure(key, label, value, str(value), value)


def measure_figure(key: str, label: str, value: float | None, base: int, unit: str = "") -> Figure:
    """A median, rate or total drawn from `base` pairs: fewer than 3 and it is not shown."""
    if base == 0 or value is None:
        return Figure(key, label, None, NO_DATA, base)
    if base < MIN_CELL:
        return Figure(key, label, None, SUPPRESSED, base)
    number = round(value, 1)
    if unit == "%":
        return Figure(key, label, number, f"{number:g}%", base)
    unit = unit[:-1] if number == 1 and unit.endswith("s") else unit
    return Figure(key, label, number, f"{number:g} {unit}".strip(), base)


def breakdown(cells: list[tuple[str, str, int]], total_shown: bool) -> tuple[Figure, ...]:
    """Counts that sum to a total: small cells suppressed, plus one more if only one was (rule 3)."""
    figures = [count_figure(key, label, value) for key, label, value in cells]
    hidden = [i for i, f in enumerate(figures) if f.suppressed]
    if total_shown and len(hidden) == 1:
        others = [i for i, f in enumerate(figures) if not f.suppressed]
        if others:
            smallest = min(others, key=lambda i: (cells[i][2], i))
            key, label, value = cells[smallest]
            figures[smallest] = Figure(key, label, None, SUPPRESSED, value)
    return tuple(figures)


HEALTH_KEYS = {Health.ON_TRACK: "on_track", Health.AT_RISK: "at_risk", Health.DRIFTING: "drifting"}


@dataclass(frozen=True)
class MonthHealth:
    month: str  # "2027-03"
    pairs: Figure
    health: tuple[Figure, ...]  # on track, at risk, drifting


@dataclass(frozen=True)
class ProgrammeReport:
    programme_id: str
    programme_name: str
    as_of: date
    headline: tuple[Figure, ...]
    pairs: tuple[Figure, ...]  # active, closed
    health_now: tuple[Figure, ...]  # on track, at risk, drifting (active pairs)
    by_month: tuple[MonthHealth, ...]
    survey: Any = None  # SurveyResults when there are survey answers (bot/domain/surveys.py)
    decision: Any = None  # the managers' debrief decision, once recorded (bot/domain/debrief.py)

    def figure(self, key: str) -> Figure:
        for f in self.all_figures():
            if f.key == key:
                return f
        raise KeyError(key)

    def all_figures(self) -> tuple[Figure, ...]:
        return self.headline + self.pairs + self.health_now


def _median(values: list[float]) -> float | None:
    return float(median(values)) if values else None


def build_report(programme_id: str, programme_name: str, summaries: Iterable[PairSummary], today: date,
                 survey: Any = None, decision: Any = None) -> ProgrammeReport:
    """Every figure from the pairs' summaries. Pure and deterministic: the same summaries, the same report."""
    rows = sorted(summaries, key=lambda s: s.pair_id)
    matched = count_figure("pairs_matched", "Pairs matched", len(rows))
    agreed = [s for s in rows if s.contract_agreed_on]
    days_to_agree = [float((s.contract_agreed_on - s.paired_on).days) for s in agreed]
    with_first = [s for s in rows if s.first_session_on]
    days_to_first = [float((s.first_session_on - s.paired_on).days) for s in with_first]
    contracted = [s for s in rows if s.cadence is not None]
    held, expected = sum(s.held for s in contracted), sum(s.expected for s in contracted)
    raised = [s for s in rows if s.alerts_raised]
    resolved = [s for s in rows if s.alerts_resolved]
    hours = [h for s in resolved for h in s.resolution_hours]
    headline = (
        matched,
        count_figure("contracts_agreed", "Contracts agreed", len(agreed)),
        measure_figure("median_days_to_agree", "Time to agree a contract (median)", _median(days_to_agree), len(agreed), "days"),
        measure_figure("sessions_held", "Sessions held", float(held), len(contracted)),
        measure_figure("sessions_expected", "Sessions the contracts called for so far", float(expected), len(contracted)),
        measure_figure("sessions_held_pct", "Sessions held against cadence",
                       100.0 * held / expected if expected else None, len(contracted), "%"),
        measure_figure("sessions_cancelled", "Sessions cancelled", float(sum(s.cancelled for s in rows)), len(contracted)),
        measure_figure("sessions_not_held", "Sessions that didn't happen", float(sum(s.not_held for s in rows)), len(contracted)),
        measure_figure("median_days_to_first_session", "Time to first session (median)", _median(days_to_first), len(with_first), "days"),
        measure_figure("alerts_raised", "Alerts raised", float(sum(s.alerts_raised for s in raised)), len(raised)),
        measure_figure("alerts_resolved", "Alerts resolved", float(sum(s.alerts_resolved for s in resolved)), len(resolved)),
        measure_figure("median_hours_to_resolve", "Time to resolve an alert (median)", _median(hours), len(resolved), "hours"),
    )
    active = [s for s in rows if s.active]
    pairs = breakdown([("pairs_active", "Pairs active", len(active)), ("pairs_closed", "Pairs closed", len(rows) - len(active))],
                      not matched.suppressed)
    health_now = breakdown(_health_cells(s.health for s in active), not pairs[0].suppressed)
    months: dict[str, list[Health]] = {}
    for s in rows:
        for month, health in s.health_by_month:
            months.setdefault(month, []).append(health)
    by_month = []
    for month in sorted(months):
        total = count_figure(f"pairs_{month}", f"Pairs in {month}", len(months[month]))
        by_month.append(MonthHealth(month, total, breakdown(_health_cells(months[month], month), not total.suppressed)))
    return ProgrammeReport(programme_id, programme_name, today, headline, pairs, health_now, tuple(by_month), survey, decision)


def _health_cells(healths: Iterable[Health], month: str = "") -> list[tuple[str, str, int]]:
    items = list(healths)
    suffix = f"_{month}" if month else ""
    return [(HEALTH_KEYS[h] + suffix, h.value.capitalize(), sum(1 for x in items if x is h)) for h in Health]


def chart_sections(report: ProgrammeReport) -> dict[str, list[Figure]]:
    """The figures each chart draws: the card and the HTML page share them, so both show the same numbers."""
    return {
        "sessions": [report.figure(k) for k in ("sessions_expected", "sessions_held", "sessions_cancelled", "sessions_not_held")],
        "health_now": list(report.health_now),
    }


SHORT_LABELS = {"Sessions the contracts called for so far": "Expected", "Sessions held": "Held",
                "Sessions cancelled": "Cancelled", "Sessions that didn't happen": "Didn't happen"}


def short_label(label: str) -> str:
    """A chart axis label."""
    return SHORT_LABELS.get(label, label)
