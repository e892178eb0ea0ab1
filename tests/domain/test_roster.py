"""A roster CSV is used whole or not at all, and every problem is reported as (line, column, reason)."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.roster import Problem, RosterRejected, RosterRole, check_roster, read_roster
from tests.domain.test_matching import rosters

HEADER = "email,name,role,organisation,focus_areas,capacity,line_manager,exclude,ranking"
GOOD_ROWS = [
    "mo@contoso.com,Mo,mentor,Contoso,knife crime;leadership,2,,,ann@contoso.com;bo@fabrikam.com",
    "pat@fabrikam.com,Pat,mentor,Fabrikam,domestic abuse,,,,",
    "ann@contoso.com,Ann,mentee,Contoso,knife crime,,boss@contoso.com,,mo@contoso.com",
    "bo@fabrikam.com,Bo,mentee,Fabrikam,domestic abuse,,,pat@fabrikam.com,mo@contoso.com",
    "res@contoso.com,Res,reserve,Contoso,leadership,,,,",
]


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def problems_of(*rows: str, header: str = HEADER) -> list[Problem]:
    return list(check_roster(csv_text(*rows, header=header).encode()))


def only_problem(*rows: str, header: str = HEADER) -> Problem:
    found = problems_of(*rows, header=header)
    assert len(found) == 1, found
    return found[0]


def test_a_good_roster_reads_every_field():
    roster = read_roster(csv_text(*GOOD_ROWS).encode())
    mo = roster.person("MO@contoso.com")
    assert mo.role is RosterRole.MENTOR and mo.capacity == 2 and mo.focus_areas == ("knife crime", "leadership")
    assert mo.ranking == ("ann@contoso.com", "bo@fabrikam.com")
    assert roster.person("pat@fabrikam.com").capacity == 1  # default
    assert roster.person("ann@contoso.com").line_manager == "boss@contoso.com"  # off-roster: allowed
    assert roster.person("bo@fabrikam.com").exclude == ("pat@fabrikam.com",)
    assert [p.email for p in roster.reserves] == ["res@contoso.com"]
    assert check_roster(csv_text(*GOOD_ROWS)) == ()


def test_columns_in_any_order_with_a_bom_and_any_case_are_the_same_roster():
    plain = read_roster(csv_text(*GOOD_ROWS).encode())
    names = HEADER.split(",")
    order = [8, 2, 0, 5, 1, 7, 3, 6, 4]
    header = ",".join(
        name.upper() if k % 2 else name.replace("_", " ").title() for k, name in enumerate(names[i] for i in order))
    rows = [",".join(row.split(",")[i] for i in order) for row in GOOD_ROWS]
    shuffled = read_roster(b"\xef\xbb\xbf" + csv_text(*rows, header=header).replace("\n", "\r\n").encode())
    assert shuffled.people == plain.people and len(plain.people) == len(GOOD_ROWS)


def test_row_order_does_not_change_the_roster():
    rows = list(GOOD_ROWS)
    random.Random(7).shuffle(rows)
    first = read_roster(csv_text(*GOOD_ROWS).encode())
    again = read_roster(csv_text(*rows).encode())
    assert [p.email for p in first.people] == [p.email for p in again.people]
    assert [(p.focus_areas, p.ranking) for p in first.people] == [(p.focus_areas, p.ranking) for p in again.people]


def test_one_bad_row_among_many_refuses_the_whole_file():
    rows = [f"mentee{k}@contoso.com,M{k},mentee,Contoso,,,,," for k in range(200)]
    rows[137] = "mentee137@contoso.com,M137,mentr,Contoso,,,,,"
    rows.append("mentor@contoso.com,Boss,mentor,Contoso,,3,,,")
    with pytest.raises(RosterRejected) as rejected:
        read_roster(csv_text(*rows).encode())
    assert rejected.value.problems == (Problem(139, "role", "unknown role 'mentr'; use mentor, mentee or reserve"),)
    assert "nothing was imported" in rejected.value.message


def test_every_problem_is_reported_not_just_the_first():
    found = problems_of(
        "bad-email,X,mentor,,,,,,",
        "ok@contoso.com,Ok,boss,,,,,,",
        "two@contoso.com,Two,mentor,,,zero,,,",
    )
    assert [(p.line, p.column) for p in found] == [(2, "email"), (3, "role"), (4, "capacity")]


def test_unknown_role():
    problem = only_problem("a@contoso.com,A,supervisor,,,,,,")
    assert (problem.line, problem.column) == (2, "role") and "unknown role 'supervisor'" in problem.reason


def test_missing_role():
    assert "role is missing" in only_problem("a@contoso.com,A,,,,,,,").reason


def test_duplicate_email_names_the_first_line_whatever_the_case():
    problem = only_problem("a@contoso.com,A,mentor,,,,,,", "x@contoso.com,X,mentee,,,,,,", "A@Contoso.com,A2,mentee,,,,,,")
    assert problem == Problem(4, "email", "a@contoso.com is already on line 2")


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@contoso.com", "a b@contoso.com", "a@@contoso.com"])
def test_malformed_email(email):
    problem = only_problem(f"{email},A,mentor,,,,,,")
    assert (problem.line, problem.column) == (2, "email") and "is not an email address" in problem.reason


def test_missing_email():
    assert only_problem(",A,mentor,,,,,,") == Problem(2, "email", "the email (the person's UPN) is missing")


def test_ranking_naming_someone_not_on_the_roster():
    problem = only_problem("m@contoso.com,M,mentor,,,,,,", "e@contoso.com,E,mentee,,,,,,ghost@contoso.com")
    assert problem == Problem(3, "ranking", "ghost@contoso.com is not on the roster")


def test_exclusion_naming_someone_not_on_the_roster():
    problem = only_problem("m@contoso.com,M,mentor,,,,,ghost@contoso.com,")
    assert problem == Problem(2, "exclude", "ghost@contoso.com is not on the roster")


def test_malformed_emails_in_lists_and_line_manager():
    found = problems_of("m@contoso.com,M,mentor,,,,boss,x@;m2@contoso.com,nope")
    assert [(p.column, p.reason) for p in found] == [
        ("exclude", "'x@' is not an email address"),
        ("exclude", "m2@contoso.com is not on the roster"),
        ("line_manager", "'boss' is not an email address"),
        ("ranking", "'nope' is not an email address"),
    ]


def test_line_manager_off_the_roster_is_allowed_but_not_oneself_or_a_list():
    assert problems_of("m@contoso.com,M,mentor,,,,chief@contoso.com,,") == []
    assert only_problem("m@contoso.com,M,mentor,,,,m@contoso.com,,").reason == "a person cannot be their own line manager"
    assert "one line manager" in only_problem("m@contoso.com,M,mentor,,,,a@contoso.com;b@contoso.com,,").reason


def test_ranking_someone_on_the_same_side():
    found = problems_of(
        "m@contoso.com,M,mentor,,,,,,r@contoso.com",  # a reserve is on the mentors' side
        "r@contoso.com,R,reserve,,,,,,",
        "e@contoso.com,E,mentee,,,,,,f@contoso.com",
        "f@contoso.com,F,mentee,,,,,,",
    )
    assert [(p.line, p.column) for p in found] == [(2, "ranking"), (4, "ranking")]
    assert all("same side" in p.reason for p in found)


def test_ranking_oneself_twice_or_someone_excluded_or_ones_line_manager():
    found = problems_of(
        "m@contoso.com,M,mentor,,,,,,",
        "n@contoso.com,N,mentor,,,,,,",
        "e@contoso.com,E,mentee,,,,n@contoso.com,m@contoso.com,e@contoso.com;m@contoso.com;n@contoso.com;n@contoso.com",
    )
    reasons = [p.reason for p in found]
    assert reasons == [
        "a person cannot rank themselves",
        "m@contoso.com is both ranked and excluded on this row",
        "n@contoso.com is ranked twice",
        "n@contoso.com is this person's line manager, who is never matched with them",
    ]  # problems come sorted by line, column, then reason


def test_excluding_oneself():
    assert only_problem("m@contoso.com,M,mentor,,,,,m@contoso.com,").reason == "a person cannot exclude themselves"


@pytest.mark.parametrize("capacity", ["0", "-1", "two", "1.5", "2 "])
def test_capacity_not_a_positive_integer(capacity):
    text = csv_text(f'm@contoso.com,M,mentor,,,"{capacity}",,,')
    found = check_roster(text)
    if capacity.strip() == "2":  # surrounding spaces are trimmed like every other cell
        assert found == ()
    else:
        assert [(p.column, p.reason) for p in found] == [("capacity", f"{capacity!r} is not a positive whole number")]


def test_capacity_on_a_mentee():
    assert only_problem("e@contoso.com,E,mentee,,,3,,,").reason == "capacity is for mentors; leave it empty for a mentee"


def test_missing_required_column():
    problem = only_problem("a@contoso.com,A", header="email,name")
    assert problem == Problem(1, "role", "the required column role is missing")


def test_unknown_column_is_refused_with_the_nearest_name():
    problem = only_problem("a@contoso.com,mentor,b@contoso.com", header="email,role,exclusions")
    assert (problem.line, problem.column) == (1, "exclusions") and "did you mean exclude?" in problem.reason


def test_a_column_given_twice():
    assert only_problem("a@contoso.com,mentor,x", header="email,role,Name,name").reason == (
        "this column appears twice in the header row")


def test_empty_file_and_header_only():
    assert check_roster(b"") == (Problem(1, "", "the file is empty; it needs a header row and one row per person"),)
    assert check_roster(b"\xef\xbb\xbf\n\n") == check_roster(b"")
    assert check_roster(HEADER.encode()) == (Problem(1, "", "the file has a header row but nobody in it"),)


def test_a_row_with_more_cells_than_the_header():
    assert "has 4 cells but the header has 3" in only_problem("a@contoso.com,A,mentor,extra", header="email,name,role").reason


def test_not_utf8_names_the_line():
    data = csv_text("a@contoso.com,A,mentor,,,,,,", "b@contoso.com,Zo\xeb,mentee,,,,,,").encode("latin-1")
    assert check_roster(data) == (Problem(3, "", "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"),)


def test_line_numbers_follow_the_file_when_a_quoted_cell_spans_lines():
    found = problems_of('a@contoso.com,"Ann\nMarie",mentor,,,,,,', "b@contoso.com,B,mentr,,,,,,")
    assert found == [Problem(4, "role", "unknown role 'mentr'; use mentor, mentee or reserve")]


def test_blank_lines_are_ignored_and_lists_tolerate_spaces_and_repeats():
    roster = read_roster(csv_text("", "m@contoso.com,M,mentor,, Knife crime ; knife  crime;;,,,,", "").encode())
    assert roster.person("m@contoso.com").focus_areas == ("Knife crime",)


# ---- many random rosters: written out in any column and row order, read back the same ----

def write_csv(roster, seed: int, bom: bool) -> bytes:
    rng = random.Random(seed)
    columns = ["email", "name", "role", "organisation", "focus_areas", "capacity", "line_manager", "exclude",
               "ranking", "wants", "availability"]
    rng.shuffle(columns)
    people = list(roster.people)
    rng.shuffle(people)

    def cell(p, column):
        value = getattr(p, column)
        if column == "role":
            return value.value.upper() if rng.random() < 0.3 else value.value
        if column == "capacity":
            return "" if value == 1 and rng.random() < 0.5 else str(value)
        return ";".join(value) if isinstance(value, tuple) else str(value)

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.upper() if rng.random() < 0.3 else c for c in columns])
    for p in people:
        writer.writerow([cell(p, c) for c in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(rosters(), st.integers(0, 10_000), st.booleans())
def test_any_valid_roster_reads_back_the_same_whatever_the_column_and_row_order(drawn, seed, bom):
    roster, _ = drawn
    if not roster.people:
        return
    again = read_roster(write_csv(roster, seed, bom))
    assert [replace(p, line=0) for p in again.people] == [replace(p, line=0) for p in roster.people]


@settings(max_examples=50, deadline=None)
@given(rosters(), st.integers(0, 10_000))
def test_one_bad_cell_anywhere_refuses_the_file_and_names_its_line(drawn, seed):
    roster, _ = drawn
    if not roster.people:
        return
    lines = write_csv(roster, seed, bom=False).decode().splitlines()
    header = next(csv.reader([lines[0]]))
    role_column = [c.lower() for c in header].index("role")
    victim = random.Random(seed).randrange(1, len(lines))
    cells = next(csv.reader([lines[victim]]))
    cells[role_column] = "mentr"
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    lines[victim] = out.getvalue().rstrip("\r\n")
    with pytest.raises(RosterRejected) as rejected:
        read_roster("\n".join(lines).encode())
    assert Problem(victim + 1, "role", "unknown role 'mentr'; use mentor, mentee or reserve") in rejected.value.problems
