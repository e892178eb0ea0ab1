"""The mentoring contract: its clauses, and how a version comes into force.

The mentee drafts; the mentor accepts or proposes changes; whoever did not write the latest proposal
confirms it. Only a version both have confirmed is in force. Amending a contract in force proposes a
new version and keeps every earlier one as history.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum

from bot.domain.errors import AlreadyDone, InvalidInput, InvalidState, NotAllowed
from bot.domain.limits import LIVE_CONTRACT_VERSIONS, MAX_CLAUSE, MAX_CONFIDENTIALITY_EXTRA, MAX_GOAL, MAX_GOALS
from bot.domain.people import Role
from bot.domain.uktime import add_months, format_day

MIN_MEETING_MINUTES, MAX_MEETING_MINUTES = 15, 240

CONFIDENTIALITY_LIMIT = (
    "What we talk about stays between us, with one limit. If misconduct or a risk to someone's safety "
    "comes up in a session, it must be reported under force policy (this is safeguarding). "
    "Whoever hears it will say so at the time."
)
# Earlier wordings of the same limit: contracts agreed with them still keep the limit.
EARLIER_CONFIDENTIALITY_LIMITS = (
    "What we discuss stays between us, with one limit: if misconduct or a risk to someone's safety "
    "(a safeguarding concern) is disclosed in a session, it must be reported under force policy, "
    "and whoever hears it will say so at the time.",
)


class Cadence(str, Enum):
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    SIX_WEEKLY = "every six weeks"

    def next_due(self, after: date) -> date:
        """The date by which the next session should have happened."""
        if self is Cadence.MONTHLY:
            return add_months(after, 1)
        return after + timedelta(days=14 if self is Cadence.FORTNIGHTLY else 42)


class MeetingFormat(str, Enum):
    TEAMS = "Teams call"
    IN_PERSON = "in person"
    MIXED = "a mix of both"


class ContractStatus(str, Enum):
    PROPOSED = "proposed"
    IN_FORCE = "in force"
    SUPERSEDED = "superseded"  # was in force; a newer version replaced it
    REPLACED = "replaced"  # a proposal answered by a counter-proposal or revised by its author
    WITHDRAWN = "withdrawn"


class Clause(str, Enum):
    """The parts of a contract a change can touch, in the order the card shows them."""

    GOALS = "goals"
    MEETINGS = "meetings"  # how often, how long, in what format
    CONTACT_BETWEEN = "contact between"
    CONFIDENTIALITY = "confidentiality"
    BOUNDARIES = "boundaries"
    START = "start"
    REVIEW = "review"
    END = "end"


def changed_clauses(before: "Clauses", after: "Clauses") -> tuple[Clause, ...]:
    """Which clauses differ between two versions, in the card's order."""
    pairs = {
        Clause.GOALS: (before.goals, after.goals),
        Clause.MEETINGS: ((before.cadence, before.meeting_minutes, before.meeting_format),
                          (after.cadence, after.meeting_minutes, after.meeting_format)),
        Clause.CONTACT_BETWEEN: (before.contact_between, after.contact_between),
        Clause.CONFIDENTIALITY: (before.confidentiality, after.confidentiality),
        Clause.BOUNDARIES: (before.boundaries, after.boundaries),
        Clause.START: (before.start_date, after.start_date),
        Clause.REVIEW: (before.review_date, after.review_date),
        Clause.END: (before.end_date, after.end_date),
    }
    return tuple(clause for clause, (old, new) in pairs.items() if old != new)


@dataclass(frozen=True)
class Clauses:
    goals: tuple[str, ...]
    cadence: Cadence
    meeting_minutes: int
    meeting_format: MeetingFormat
    contact_between: str
    confidentiality: str
    boundaries: str
    start_date: date
    review_date: date
    end_date: date

    def validate(self, latest_end: date) -> "Clauses":
        problems = []
        goals = tuple(" ".join(g.split()) for g in self.goals if g and g.strip())
        if not 1 <= len(goals) <= MAX_GOALS:
            problems.append(f"give between 1 and {MAX_GOALS} goals")
        for number, goal in enumerate(goals, 1):
            if len(goal) > MAX_GOAL:
                problems.append(f"keep each goal to {MAX_GOAL} characters or fewer; goal {number} has {len(goal)}")
        if not MIN_MEETING_MINUTES <= self.meeting_minutes <= MAX_MEETING_MINUTES:
            problems.append(f"meetings should last {MIN_MEETING_MINUTES} to {MAX_MEETING_MINUTES} minutes")
        for label, text in (("contact between meetings", self.contact_between), ("boundaries", self.boundaries)):
            if not text.strip():
                problems.append(f"say something about {label}")
            elif len(text.strip()) > MAX_CLAUSE:
                problems.append(f"keep {label} to {MAX_CLAUSE} characters or fewer; it has {len(text.strip())}")
        if not any(limit in self.confidentiality for limit in (CONFIDENTIALITY_LIMIT, *EARLIER_CONFIDENTIALITY_LIMITS)):
            problems.append("keep the confidentiality limit (misconduct and safeguarding must be reported)")
        else:
            extra = len(self.confidentiality.replace(CONFIDENTIALITY_LIMIT, "", 1).strip())
            if extra > MAX_CONFIDENTIALITY_EXTRA:
                problems.append(f"keep what you add to confidentiality to {MAX_CONFIDENTIALITY_EXTRA} characters "
                                f"or fewer; it has {extra}")
        if self.end_date <= self.start_date:
            problems.append("the end date must be after the start date")
        if self.end_date > latest_end:
            problems.append(f"the end date can't be after the programme ends ({format_day(latest_end)})")
        if not self.start_date <= self.review_date <= self.end_date:
            problems.append("the review date must fall between the start and end dates")
        if problems:
            raise InvalidInput("This needs a change before it can be sent: " + "; ".join(problems) + ".")
        return replace(self, goals=goals)


def default_clauses(today: date, programme_end: date) -> Clauses:
    """Sensible starting values for a draft: monthly hour-long Teams calls until the programme ends."""
    review = today + (programme_end - today) / 2
    return Clauses(
        goals=(),
        cadence=Cadence.MONTHLY,
        meeting_minutes=60,
        meeting_format=MeetingFormat.TEAMS,
        contact_between="Teams chat between sessions; we reply within two working days.",
        confidentiality=CONFIDENTIALITY_LIMIT,
        boundaries="We keep to mentoring, not line management or casework; either of us can pause or ask for a no-fault close.",
        start_date=today,
        review_date=review,
        end_date=programme_end,
    )


@dataclass(frozen=True)
class ContractVersion:
    number: int
    clauses: Clauses
    proposed_by: Role
    proposed_at: datetime
    confirmed_by: frozenset[Role]
    status: ContractStatus
    in_force_at: datetime | None = None


@dataclass(frozen=True)
class Contract:
    """One pair's contract, in one document so a confirmation is atomic. It holds the versions still in play
    (the latest ones, the one in force, any proposal); earlier versions are final and are kept apart as
    history (`settled`, `with_history`), so the document stays small however often the contract changes."""

    pair_id: str
    versions: tuple[ContractVersion, ...] = ()
    closed_at: datetime | None = None  # the pairing ended: every version stays readable, none can change

    def close(self, now: datetime) -> tuple["Contract", int]:
        """The pairing ended: any proposal still waiting is withdrawn; the versions are kept as they were.
        Returns how many proposals were withdrawn. Closing twice changes nothing."""
        if self.closed_at is not None:
            return self, 0
        waiting = sum(1 for v in self.versions if v.status is ContractStatus.PROPOSED)
        versions = tuple(replace(v, status=ContractStatus.WITHDRAWN) if v.status is ContractStatus.PROPOSED else v
                         for v in self.versions)
        return replace(self, versions=versions, closed_at=now), waiting

    def _require_open(self) -> None:
        if self.closed_at is not None:
            raise InvalidState("This pairing has ended, so its contract can't change. It stays here for you to read.")

    @property
    def in_force(self) -> ContractVersion | None:
        return next((v for v in reversed(self.versions) if v.status is ContractStatus.IN_FORCE), None)

    @property
    def pending(self) -> ContractVersion | None:
        return next((v for v in reversed(self.versions) if v.status is ContractStatus.PROPOSED), None)

    def compared_with(self, version: ContractVersion) -> ContractVersion | None:
        """What a proposal changes: the version in force when it was made, else the proposal it answered
        (the latest earlier one); None for a first draft."""
        earlier = [v for v in self.versions if v.number < version.number]
        agreed = [v for v in earlier if v.status in (ContractStatus.IN_FORCE, ContractStatus.SUPERSEDED)
                  and v.in_force_at is not None and v.in_force_at <= version.proposed_at]
        if agreed:
            return max(agreed, key=lambda v: v.in_force_at)
        return earlier[-1] if earlier else None

    def version(self, number: int) -> ContractVersion:
        for v in self.versions:
            if v.number == number:
                return v
        raise InvalidState(f"There is no version {number} of this contract.")

    def propose(self, role: Role, clauses: Clauses, latest_end: date, now: datetime) -> tuple["Contract", ContractVersion]:
        """A new proposal: the first draft (mentee only), a counter-proposal, a revision or an amendment."""
        self._require_open()
        if not self.versions and role is not Role.MENTEE:
            raise NotAllowed("The mentee drafts the first version of the contract; you'll be asked to review it.")
        checked = clauses.validate(latest_end)
        versions = tuple(
            replace(v, status=ContractStatus.REPLACED) if v.status is ContractStatus.PROPOSED else v
            for v in self.versions
        )
        proposal = ContractVersion(
            number=self.versions[-1].number + 1 if self.versions else 1,
            clauses=checked,
            proposed_by=role,
            proposed_at=now,
            confirmed_by=frozenset({role}),
            status=ContractStatus.PROPOSED,
        )
        return replace(self, versions=versions + (proposal,)), proposal

    def accept(self, role: Role, number: int, now: datetime) -> tuple["Contract", ContractVersion]:
        """The other side confirms a proposal; with both confirmations it comes into force."""
        self._require_open()
        target = self.version(number)
        if target.status is ContractStatus.IN_FORCE:
            raise AlreadyDone(f"Version {number} is already in force.")
        if target.status is not ContractStatus.PROPOSED:
            latest = self.versions[-1].number
            raise InvalidState(f"Version {number} was {target.status.value}; the latest is version {latest}.")
        if role in target.confirmed_by:
            raise AlreadyDone(f"You've already confirmed version {number}; waiting for your partner.")
        confirmed = target.confirmed_by | {role}
        in_force = confirmed == frozenset(Role)
        accepted = replace(
            target,
            confirmed_by=confirmed,
            status=ContractStatus.IN_FORCE if in_force else ContractStatus.PROPOSED,
            in_force_at=now if in_force else None,
        )
        versions = tuple(
            accepted if v.number == number
            else replace(v, status=ContractStatus.SUPERSEDED) if in_force and v.status is ContractStatus.IN_FORCE
            else v
            for v in self.versions
        )
        return replace(self, versions=versions), accepted

    def settled(self) -> tuple[ContractVersion, ...]:
        """Versions that can no longer change and are not needed to act on the contract: all but the latest
        few, the one in force and any proposal. They move to history."""
        keep = {v.number for v in self.versions[-LIVE_CONTRACT_VERSIONS:]}
        keep |= {v.number for v in (self.in_force, self.pending) if v is not None}
        return tuple(v for v in self.versions if v.number not in keep)

    def without(self, moved: tuple[ContractVersion, ...]) -> "Contract":
        """The contract without versions now kept in history (only if they are still exactly as moved)."""
        gone = {v.number for v in self.settled() if v in moved}
        return replace(self, versions=tuple(v for v in self.versions if v.number not in gone))

    @property
    def has_history(self) -> bool:
        """Whether earlier versions were moved out (versions are numbered from 1 with no gaps)."""
        return [v.number for v in self.versions] != list(range(1, len(self.versions) + 1))

    def with_history(self, earlier: tuple[ContractVersion, ...]) -> "Contract":
        """The whole contract, every version since the first draft (for history, export and the report)."""
        live = {v.number for v in self.versions}
        merged = [v for v in earlier if v.number not in live] + list(self.versions)
        return replace(self, versions=tuple(sorted(merged, key=lambda v: v.number)))

    def withdraw(self, role: Role, number: int) -> tuple["Contract", ContractVersion]:
        target = self.version(number)
        if target.status is not ContractStatus.PROPOSED:
            raise InvalidState(f"Version {number} is {target.status.value}, so it can't be withdrawn.")
        if target.proposed_by is not role:
            raise NotAllowed("Only the person who proposed a version can withdraw it.")
        withdrawn = replace(target, status=ContractStatus.WITHDRAWN)
        return replace(self, versions=tuple(withdrawn if v.number == number else v for v in self.versions)), withdrawn
