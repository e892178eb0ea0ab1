"""Is a pair keeping its own contract? Rules read the pair's contract, not one fixed number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from bot.domain.contracts import Cadence, Contract
from bot.domain.programmes import Pair
from bot.domain.sessions import Schedule, SessionStatus
from bot.domain.uktime import format_day, uk_instant, uk_today

CONTRACT_DEADLINE = timedelta(days=14)  # no contract agreed this long after pairing: drifting
CONTRACT_WARNING = timedelta(days=7)
# Drifting once the cadence plus a week has passed with nothing held: monthly means five weeks.
DRIFT_AFTER = {Cadence.FORTNIGHTLY: timedelta(weeks=3), Cadence.MONTHLY: timedelta(weeks=5), Cadence.SIX_WEEKLY: timedelta(weeks=7)}
CLOSING_GRACE = timedelta(days=7)  # after the end date, time to hold the closing conversation


class Health(str, Enum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    DRIFTING = "drifting"


class PairState(str, Enum):
    """What `status` says of a pair: its health, or where it is in its life when that says more."""

    STARTING = "starting"  # paired recently, contract not agreed yet, nothing wrong
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    DRIFTING = "drifting"
    CLOSING = "closing"  # a member asked for a no-fault close and no manager has settled it yet


class Rule(str, Enum):
    NO_CONTRACT = "no-contract"
    OVERDUE_SESSION = "overdue-session"
    CANCELLED_TWICE = "cancelled-twice"
    ENDED_WITHOUT_CLOSE = "ended-without-close"
    SILENT = "silent"
    UNREACHABLE = "unreachable"

SILENT_AFTER_NUDGES = 2


@dataclass(frozen=True)
class Finding:
    rule: Rule
    health: Health
    reason: str
    since: date  # when it became true: with the rule, it names one occurrence (so one alert)


@dataclass(frozen=True)
class Assessment:
    health: Health
    findings: tuple[Finding, ...]
    next_check: datetime | None  # the next moment this assessment could change with nothing else happening
    starting: bool = False  # no contract agreed yet, still inside the time to agree one
    closing: bool = False  # a no-fault close has been asked for and not yet settled

    @property
    def state(self) -> PairState:
        """Closing first (what a manager must settle), then health; a healthy pair with no contract is starting."""
        if self.closing:
            return PairState.CLOSING
        if self.starting and self.health is Health.ON_TRACK:
            return PairState.STARTING
        return PairState(self.health.value)

    @property
    def reason(self) -> str:
        if self.state is PairState.CLOSING:
            return "asked for a no-fault close"
        if self.state is PairState.STARTING:
            return "agreeing their contract"
        worst = [f for f in self.findings if f.health is self.health]
        return "; ".join(f.reason for f in worst) if worst else "meeting as agreed"


def assess(pair: Pair, contract: Contract, schedule: Schedule, now: datetime,
           unanswered: tuple[tuple[str, int, date], ...] = (), unreachable: tuple[tuple[str, date], ...] = (),
           closing: bool = False) -> Assessment:
    """`unanswered`: (name, reminders not answered, date of the last one) per member;
    `unreachable`: (name, since) for members Teams says removed or blocked the app;
    `closing`: a member's request for a no-fault close is still open."""
    today = uk_today(now)
    findings: list[Finding] = []
    checks: list[date] = []
    paired_on = uk_today(pair.created_at)
    in_force = contract.in_force

    if in_force is None:
        deadline, warning = paired_on + CONTRACT_DEADLINE, paired_on + CONTRACT_WARNING
        if today >= deadline:
            findings.append(Finding(Rule.NO_CONTRACT, Health.DRIFTING, f"no contract agreed {(today - paired_on).days} days after pairing", deadline))
        elif today >= warning:
            findings.append(Finding(Rule.NO_CONTRACT, Health.AT_RISK, f"no contract yet, {(today - paired_on).days} days after pairing", warning))
            checks.append(deadline)
        else:
            checks.append(warning)
    else:
        clauses = in_force.clauses
        held = schedule.held()
        last = uk_today(held[-1].starts_at) if held else clauses.start_date
        due = clauses.cadence.next_due(last)
        late = last + DRIFT_AFTER[clauses.cadence]
        booked = any(s.status is SessionStatus.CONFIRMED and uk_today(s.starts_at) <= late for s in schedule.sessions)
        if today > clauses.end_date:
            if today >= clauses.end_date + CLOSING_GRACE:
                findings.append(Finding(Rule.ENDED_WITHOUT_CLOSE, Health.DRIFTING,
                                        f"contract ended {format_day(clauses.end_date)} without a closing conversation", clauses.end_date))
            else:
                checks.append(clauses.end_date + CLOSING_GRACE)
        elif today >= late:
            findings.append(Finding(Rule.OVERDUE_SESSION, Health.DRIFTING,
                                    f"no session held since {format_day(last)}; the contract says {clauses.cadence.value}", late))
        elif today > due and not booked:
            findings.append(Finding(Rule.OVERDUE_SESSION, Health.AT_RISK, f"next session was due by {format_day(due)} and none is booked", due))
            checks.append(late)
        else:
            checks.append(due + timedelta(days=1))
        closed = [s for s in sorted(schedule.sessions, key=lambda s: s.starts_at)
                  if s.status in (SessionStatus.CANCELLED, SessionStatus.HELD, SessionStatus.NOT_HELD)
                  and s.changed_at is not None]
        if len(closed) >= 2 and all(s.status in (SessionStatus.CANCELLED, SessionStatus.NOT_HELD) for s in closed[-2:]):
            findings.append(Finding(Rule.CANCELLED_TWICE, Health.DRIFTING, "the last two sessions were cancelled or didn't happen",
                                    uk_today(closed[-1].changed_at)))
    for name, count, last in unanswered:
        if count >= SILENT_AFTER_NUDGES:
            findings.append(Finding(Rule.SILENT, Health.DRIFTING, f"{name} hasn't answered {count} reminders", last))
    for name, since in unreachable:
        findings.append(Finding(Rule.UNREACHABLE, Health.DRIFTING, f"{name} can't be reached in Teams (removed or blocked Tandem)", since))
    health = max((f.health for f in findings), key=_severity, default=Health.ON_TRACK)
    next_check = min(checks, default=None)
    return Assessment(health, tuple(findings), _start_of(next_check) if next_check else None,
                      starting=in_force is None, closing=closing)


def _severity(health: Health) -> int:
    return [Health.ON_TRACK, Health.AT_RISK, Health.DRIFTING].index(health)


def _start_of(day: date) -> datetime:
    """Checks run at 09:00 UK time on the day something could change."""
    return uk_instant(day, time(9, 0))
