"""Roster CSV files: read and check one, all-or-nothing, reporting every problem as (line, column, reason).

The file is UTF-8 (a byte-order mark is fine) with a header row; columns come in any order and header
names are case-insensitive (`Focus Areas`, `focus-areas` and `focus_areas` are the same column).

Columns (only `email` and `role` are required):
    email         the person's UPN (user@domain), unique in the file; compared case-insensitively
    name          how to show them
    role          mentor, mentee or reserve (a reserve is a mentor held back for re-matches)
    organisation  (or organization) their organisation; cross-sector pairs must span organisations
    focus_areas   `;`-separated
    capacity      mentors and reserves: how many mentees, a positive integer, default 1
    line_manager  an email; they are never matched with this person. They need not be on the roster:
                  an off-roster line manager only excludes.
    exclude       `;`-separated emails of people on the roster never to be paired with this person
    ranking       `;`-separated emails of people on the other side, most wanted first (launch-day choices)
    wants         free text: what they want from mentoring (scored against the mentor's focus areas)
    availability  `;`-separated slots or shift patterns (`mon am; thu pm; earlies`), compared as words

Unknown columns are refused, not ignored: a misspelt `exclude` column silently dropped would pair
someone with a person they must never meet. The problem names the closest known column.
Decisions where a row contradicts itself (ranking someone it also excludes, or its own line manager)
are problems too: the file is refused and the manager fixes the row.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Mapping

from email_validator import EmailNotValidError, validate_email

from bot.domain.errors import InvalidInput

LIST_SEPARATOR = ";"
HEADER_LINE = 1


class RosterRole(str, Enum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    RESERVE = "reserve"

    @property
    def side(self) -> str:
        """Reserves sit on the mentors' side: rankings and the 'same side' rule treat them as mentors."""
        return "mentee" if self is RosterRole.MENTEE else "mentor"


COLUMNS = (
    "email", "name", "role", "organisation", "focus_areas", "capacity",
    "line_manager", "exclude", "ranking", "wants", "availability",
)
REQUIRED_COLUMNS = ("email", "role")
COLUMN_ALIASES = {"organization": "organisation", "upn": "email", "focus": "focus_areas"}


@dataclass(frozen=True, order=True)
class Problem:
    """One reason the file cannot be used. `line` is the file's line number (the header is line 1)."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class RosterRejected(InvalidInput):
    """The roster has problems; nothing in it may be used."""

    def __init__(self, problems: tuple[Problem, ...]):
        count = len(problems)
        super().__init__(
            f"The roster has {count} problem{'s' if count != 1 else ''}; nothing was imported. "
            "Fix them and try again."
        )
        self.problems = problems


@dataclass(frozen=True)
class RosterPerson:
    email: str  # lower-cased UPN: the identity used everywhere else in the roster
    role: RosterRole
    line: int
    name: str = ""
    organisation: str = ""
    focus_areas: tuple[str, ...] = ()
    capacity: int = 1
    line_manager: str = ""
    exclude: tuple[str, ...] = ()
    ranking: tuple[str, ...] = ()
    wants: str = ""
    availability: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return self.name or self.email

    @property
    def side(self) -> str:
        return self.role.side


@dataclass(frozen=True)
class Roster:
    """A checked roster. People are kept in email order, so the file's row order never matters."""

    people: tuple[RosterPerson, ...]
    _by_email: dict[str, RosterPerson] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.people, key=lambda p: p.email))
        object.__setattr__(self, "people", ordered)
        object.__setattr__(self, "_by_email", {p.email: p for p in ordered})

    def person(self, email: str) -> RosterPerson:
        return self._by_email[email.strip().lower()]

    def __contains__(self, email: object) -> bool:
        return isinstance(email, str) and email.strip().lower() in self._by_email

    def with_role(self, role: RosterRole) -> tuple[RosterPerson, ...]:
        return tuple(p for p in self.people if p.role is role)

    @property
    def mentors(self) -> tuple[RosterPerson, ...]:
        return self.with_role(RosterRole.MENTOR)

    @property
    def mentees(self) -> tuple[RosterPerson, ...]:
        return self.with_role(RosterRole.MENTEE)

    @property
    def reserves(self) -> tuple[RosterPerson, ...]:
        return self.with_role(RosterRole.RESERVE)

    def summary(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"
        places = sum(p.capacity for p in self.mentors)
        return (
            f"{count(len(self.people), 'person') if len(self.people) == 1 else f'{len(self.people)} people'}: "
            f"{count(len(self.mentees), 'mentee')}, {count(len(self.mentors), 'mentor')} "
            f"({count(places, 'place')}), {count(len(self.reserves), 'reserve')}"
        )


def read_roster(data: bytes | str) -> Roster:
    """The roster in `data`, or RosterRejected carrying every problem found."""
    people, problems = _parse(data)
    if problems:
        raise RosterRejected(problems)
    return Roster(people)


def check_roster(data: bytes | str) -> tuple[Problem, ...]:
    """Every problem in `data`, in line order; empty when the roster can be used."""
    return _parse(data)[1]


def _decode(data: bytes | str) -> tuple[str, list[Problem]]:
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", [Problem(line, "", "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again")]


def _header_name(raw: str) -> str:
    name = "_".join(raw.strip().lower().replace("-", " ").split())
    return COLUMN_ALIASES.get(name, name)


def _parse(data: bytes | str) -> tuple[tuple[RosterPerson, ...], tuple[Problem, ...]]:
    text, problems = _decode(data)
    if problems:
        return (), tuple(problems)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = _rows(reader)
    except csv.Error as error:
        return (), (Problem(reader.line_num or 1, "", f"the file is not valid CSV ({error})"),)
    rows = [(line, cells) for line, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        return (), (Problem(HEADER_LINE, "", "the file is empty; it needs a header row and one row per person"),)
    header_line, header = rows[0]
    columns, problems = _columns(header_line, header)
    if problems:
        return (), tuple(problems)
    if len(rows) == 1:
        return (), (Problem(header_line, "", "the file has a header row but nobody in it"),)
    return _people(rows[1:], columns)


def _rows(reader) -> list[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted cell may span lines)."""
    rows, next_line = [], 1
    for cells in reader:
        rows.append((next_line, cells))
        next_line = reader.line_num + 1
    return rows


def _columns(line: int, header: list[str]) -> tuple[list[str], list[Problem]]:
    columns, problems, seen = [], [], set()
    for raw in header:
        name = _header_name(raw)
        if not name:
            problems.append(Problem(line, "", "a column has no name in the header row"))
        elif name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(Problem(
                line, raw.strip(), f"unknown column{hint}; known columns: {', '.join(COLUMNS)}"))
        elif name in seen:
            problems.append(Problem(line, name, "this column appears twice in the header row"))
        seen.add(name)
        columns.append(name)
    for required in REQUIRED_COLUMNS:
        if required not in seen:
            problems.append(Problem(line, required, f"the required column {required} is missing"))
    return columns, problems


class _Emails:
    """Checks each distinct address once per file: rankings repeat the roster's emails many times over, and
    email-validator's full syntax check costs a few hundred microseconds on a busy machine."""

    def __init__(self) -> None:
        self._checked: dict[str, str | EmailNotValidError] = {}

    def __call__(self, value: str) -> str:
        """The lower-cased UPN, or EmailNotValidError. No DNS look-up: this is syntax only."""
        value = value.strip()
        if value not in self._checked:
            try:
                self._checked[value] = validate_email(value, check_deliverability=False).normalized.lower()
            except EmailNotValidError as error:
                self._checked[value] = error
        checked = self._checked[value]
        if isinstance(checked, EmailNotValidError):
            raise checked
        return checked


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def _dedupe_folded(items: list[str]) -> tuple[str, ...]:
    """One of each (case-insensitive, whitespace collapsed), keeping the first spelling and order."""
    seen, kept = set(), []
    for item in items:
        cleaned = " ".join(item.split())
        if cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            kept.append(cleaned)
    return tuple(kept)


@dataclass
class _Draft:
    """A row read field by field; cross-row rules run once every row is known."""

    line: int
    values: dict[str, str]
    email: str = ""
    role: RosterRole | None = None
    emails: dict[str, list[str]] = field(default_factory=dict)  # exclude / ranking / line_manager, parsed


def _people(rows: list[tuple[int, list[str]]], columns: list[str]) -> tuple[tuple[RosterPerson, ...], tuple[Problem, ...]]:
    problems: list[Problem] = []
    drafts: list[_Draft] = []
    emails = _Emails()
    for line, cells in rows:
        if len(cells) > len(columns):
            problems.append(Problem(line, "", f"this row has {len(cells)} cells but the header has {len(columns)}"))
            cells = cells[: len(columns)]
        values = {name: cell.strip() for name, cell in zip(columns, cells)}
        drafts.append(_read_fields(_Draft(line, values), problems, emails))

    first_line: dict[str, int] = {}
    for draft in drafts:
        if not draft.email:
            continue
        if draft.email in first_line:
            problems.append(Problem(
                draft.line, "email", f"{draft.email} is already on line {first_line[draft.email]}"))
        else:
            first_line[draft.email] = draft.line
    sides = {d.email: d.role.side for d in drafts if d.email and d.role and first_line[d.email] == d.line}

    people = []
    for draft in drafts:
        _check_references(draft, sides, problems)
        if draft.email and draft.role:
            people.append(_person(draft))
    return tuple(people), tuple(sorted(problems))


def _read_fields(draft: _Draft, problems: list[Problem], email_of: _Emails) -> _Draft:
    line, values = draft.line, draft.values
    raw_email = values.get("email", "")
    if not raw_email:
        problems.append(Problem(line, "email", "the email (the person's UPN) is missing"))
    else:
        try:
            draft.email = email_of(raw_email)
        except EmailNotValidError as error:
            problems.append(Problem(line, "email", f"{raw_email!r} is not an email address ({error})"))

    raw_role = values.get("role", "")
    try:
        draft.role = RosterRole(raw_role.lower())
    except ValueError:
        reason = "the role is missing" if not raw_role else f"unknown role {raw_role!r}"
        problems.append(Problem(line, "role", f"{reason}; use mentor, mentee or reserve"))

    raw_capacity = values.get("capacity", "")
    if raw_capacity:
        if not (raw_capacity.isdigit() and int(raw_capacity) > 0):
            problems.append(Problem(line, "capacity", f"{raw_capacity!r} is not a positive whole number"))
        elif draft.role is RosterRole.MENTEE and int(raw_capacity) != 1:
            problems.append(Problem(line, "capacity", "capacity is for mentors; leave it empty for a mentee"))

    for column in ("line_manager", "exclude", "ranking"):
        parsed = []
        for raw in _split(values.get(column, "")):
            try:
                parsed.append(email_of(raw))
            except EmailNotValidError:
                problems.append(Problem(line, column, f"{raw!r} is not an email address"))
        if column == "line_manager" and len(_split(values.get(column, ""))) > 1:
            problems.append(Problem(line, column, "give one line manager, not a list"))
        draft.emails[column] = parsed
    return draft


def _check_references(draft: _Draft, sides: dict[str, str], problems: list[Problem]) -> None:
    line, me = draft.line, draft.email
    manager = draft.emails["line_manager"]
    if me and manager and manager[0] == me:
        problems.append(Problem(line, "line_manager", "a person cannot be their own line manager"))

    for email in draft.emails["exclude"]:
        if email == me:
            problems.append(Problem(line, "exclude", "a person cannot exclude themselves"))
        elif email not in sides:
            problems.append(Problem(line, "exclude", f"{email} is not on the roster"))

    seen: set[str] = set()
    for email in draft.emails["ranking"]:
        if email in seen:
            problems.append(Problem(line, "ranking", f"{email} is ranked twice"))
            continue
        seen.add(email)
        if email == me:
            problems.append(Problem(line, "ranking", "a person cannot rank themselves"))
        elif email not in sides:
            problems.append(Problem(line, "ranking", f"{email} is not on the roster"))
        elif draft.role and sides[email] == draft.role.side:
            other = "a mentor or reserve" if draft.role.side == "mentor" else "a mentee"
            problems.append(Problem(
                line, "ranking", f"{email} is {other}, on the same side; rank people from the other side"))
        elif email in draft.emails["exclude"]:
            problems.append(Problem(line, "ranking", f"{email} is both ranked and excluded on this row"))
        elif manager and email == manager[0]:
            problems.append(Problem(
                line, "ranking", f"{email} is this person's line manager, who is never matched with them"))


def _person(draft: _Draft) -> RosterPerson:
    values = draft.values
    capacity = values.get("capacity", "")
    return RosterPerson(
        email=draft.email,
        role=draft.role,
        line=draft.line,
        name=" ".join(values.get("name", "").split()),
        organisation=" ".join(values.get("organisation", "").split()),
        focus_areas=_dedupe_folded(_split(values.get("focus_areas", ""))),
        capacity=int(capacity) if capacity.isdigit() and int(capacity) > 0 else 1,
        line_manager=(draft.emails["line_manager"] or [""])[0],
        exclude=tuple(dict.fromkeys(draft.emails["exclude"])),
        ranking=tuple(dict.fromkeys(draft.emails["ranking"])),
        wants=" ".join(values.get("wants", "").split()),
        availability=_dedupe_folded(_split(values.get("availability", ""))),
    )


def with_line_managers(roster: Roster, managers: Mapping[str, str]) -> Roster:
    """The roster with `line_manager` filled from a directory (person email -> manager email) where the
    row left it empty: what the manager wrote in the file wins. Nobody is their own line manager."""
    people = []
    for person in roster.people:
        found = (managers.get(person.email) or "").strip().lower()
        if not person.line_manager and found and found != person.email:
            person = replace(person, line_manager=found)
        people.append(person)
    return Roster(tuple(people))
