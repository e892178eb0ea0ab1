"""Matching: stable under the stated preferences, capacities kept, forbidden pairs never made, deterministic,
the same as an independent implementation (the `matching` package), and sensible on the seed programmes."""

from __future__ import annotations

import itertools
import random
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.matching import (
    MatchResult, Method, ProgrammeKind, best_reserve_for, former_pairs, match, score_pair, stable_matching,
    suggested_matching, why_not,
)
from bot.domain.roster import Roster, RosterPerson, RosterRole, read_roster

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FOCUS = ["knife crime", "domestic abuse", "leadership", "promotion", "wellbeing"]
SLOTS = ["mon am", "tue pm", "earlies", "nights"]
WANTS = ["", "promotion board", "leadership confidence", "understand knife crime", "wellbeing support"]
ORGS = ["", "Contoso Police", "Fabrikam"]
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- random rosters ----

@st.composite
def rosters(draw, max_mentees=9, max_mentors=6, complete_rankings=False, with_constraints=True):
    """A random roster that would pass the roster check, and a few former pairs. Sizes are drawn by hypothesis
    (so they shrink); the contents come from a seeded Random, which keeps generation fast."""
    n_mentees = draw(st.integers(0, max_mentees))
    n_mentors = draw(st.integers(0, max_mentors))
    n_reserves = draw(st.integers(0, 2))
    rng = random.Random(draw(st.integers(0, 2**32)))
    mentees = [f"e{k:02d}@contoso.com" for k in range(n_mentees)]
    mentors = [f"m{k:02d}@contoso.com" for k in range(n_mentors)]
    reserves = [f"r{k:02d}@contoso.com" for k in range(n_reserves)]
    mentor_side = mentors + reserves
    everyone = mentees + mentor_side

    def some(items, most):
        return tuple(rng.sample(items, rng.randint(0, min(most, len(items)))))

    people = []
    for email in everyone:
        role = RosterRole.MENTEE if email in mentees else RosterRole.MENTOR if email in mentors else RosterRole.RESERVE
        others = mentor_side if role is RosterRole.MENTEE else mentees
        line_manager, exclude = "", ()
        if with_constraints:
            line_manager = rng.choice(["", "", "", "chief@contoso.com"] + [e for e in everyone if e != email])
            exclude = some([e for e in everyone if e != email], 2)
        forbidden = set(exclude) | {line_manager}
        if complete_rankings:
            ranking = tuple(rng.sample(others, len(others)))
        else:
            ranking = some([e for e in others if e not in forbidden], 4)
        people.append(RosterPerson(
            email=email, role=role, line=len(people) + 2,
            name=email.split("@")[0].upper(),
            organisation=rng.choice(ORGS),
            focus_areas=some(FOCUS, 3),
            capacity=rng.randint(1, 3) if role is not RosterRole.MENTEE else 1,
            line_manager=line_manager, exclude=exclude, ranking=ranking,
            wants=rng.choice(WANTS) if role is RosterRole.MENTEE else "",
            availability=some(SLOTS, 2),
        ))
    former = set()
    if with_constraints and mentees and mentors:
        for _ in range(rng.randint(0, 2)):
            former.add((rng.choice(mentors), rng.choice(mentees)))
    return Roster(tuple(people)), former_pairs(former)


kinds = st.sampled_from(list(ProgrammeKind))


# ---- the stated preferences, written out independently of the implementation ----

def preference_list(ranker: RosterPerson, roster: Roster, kind: ProgrammeKind, former) -> list[str]:
    """Everyone on the other side `ranker` may be paired with, best first: ranked ones in ranking order, then
    the rest by suggested score (higher first), then email."""
    if ranker.role is RosterRole.MENTEE:
        others = [p for p in roster.mentors if not why_not(p, ranker, kind, former)]
        score = {p.email: score_pair(p, ranker, kind)[0] for p in others}
    else:
        others = [p for p in roster.mentees if not why_not(ranker, p, kind, former)]
        score = {p.email: score_pair(ranker, p, kind)[0] for p in others}
    allowed = {p.email for p in others}
    ranked = [e for e in ranker.ranking if e in allowed]
    rest = sorted(allowed - set(ranked), key=lambda e: (-score[e], e))
    return ranked + rest


def blocking_pairs(result: MatchResult, roster: Roster, kind: ProgrammeKind, former) -> list[tuple[str, str]]:
    mentor_of = {p.mentee: p.mentor for p in result.pairs}
    held: dict[str, list[str]] = {m.email: [] for m in roster.mentors}
    for pair in result.pairs:
        held[pair.mentor].append(pair.mentee)
    lists = {p.email: preference_list(p, roster, kind, former) for p in roster.mentees + roster.mentors}
    blocking = []
    for mentee in roster.mentees:
        prefs = lists[mentee.email]
        current = mentor_of.get(mentee.email)
        better = prefs if current is None else prefs[: prefs.index(current)]
        for mentor_email in better:
            mentor = roster.person(mentor_email)
            theirs = lists[mentor_email]
            has_room = len(held[mentor_email]) < mentor.capacity
            prefers = any(theirs.index(mentee.email) < theirs.index(m) for m in held[mentor_email])
            if has_room or prefers:
                blocking.append((mentor_email, mentee.email))
    return blocking


def check_invariants(result: MatchResult, roster: Roster, kind: ProgrammeKind, former) -> None:
    mentees = [p.mentee for p in result.pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    for mentor in roster.mentors:
        assert sum(p.mentor == mentor.email for p in result.pairs) <= mentor.capacity
    for pair in result.pairs:
        mentor, mentee = roster.person(pair.mentor), roster.person(pair.mentee)
        assert mentor.role is RosterRole.MENTOR and mentee.role is RosterRole.MENTEE
        assert mentee.email not in mentor.exclude and mentor.email not in mentee.exclude
        assert mentor.email != mentee.line_manager and mentee.email != mentor.line_manager
        assert frozenset((mentor.email, mentee.email)) not in former
        if kind is ProgrammeKind.CROSS_SECTOR:
            assert mentor.organisation and mentee.organisation
            assert mentor.organisation.casefold() != mentee.organisation.casefold()
        assert (pair.score, pair.reasons) == score_pair(mentor, mentee, kind)
    paired = {p.mentee for p in result.pairs} | {p.mentor for p in result.pairs}
    unmatched = [u.email for u in result.unmatched]
    assert sorted(unmatched) == unmatched
    assert set(unmatched) == {p.email for p in roster.people} - paired, "everyone unpaired is listed, once"
    assert all(u.reason for u in result.unmatched)
    assert {u.email for u in result.unmatched if u.reason.startswith("reserve:")} == {r.email for r in roster.reserves}


def shuffled(roster: Roster, seed: int) -> Roster:
    people = list(roster.people)
    random.Random(seed).shuffle(people)
    return Roster(tuple(people))


# ---- properties ----

@PROPERTY
@given(rosters(), kinds)
def test_stable_matching_has_no_blocking_pair_and_keeps_every_rule(drawn, kind):
    roster, former = drawn
    result = stable_matching(roster, kind, former)
    check_invariants(result, roster, kind, former)
    assert blocking_pairs(result, roster, kind, former) == []


@PROPERTY
@given(rosters(), kinds)
def test_suggested_matching_keeps_every_rule(drawn, kind):
    roster, former = drawn
    check_invariants(suggested_matching(roster, kind, former), roster, kind, former)


@PROPERTY
@given(rosters(), kinds, st.sampled_from(list(Method)), st.integers(0, 10_000))
def test_same_input_same_output_whatever_the_row_order(drawn, kind, method, seed):
    roster, former = drawn
    first = match(roster, method, kind, former)
    assert match(roster, method, kind, former) == first
    assert match(shuffled(roster, seed), method, kind, former) == first


def brute_force_best(roster: Roster, kind: ProgrammeKind, former) -> tuple[int, int]:
    """(most pairs, best total score among those) over every assignment; tiny rosters only."""
    places = [m for m in roster.mentors for _ in range(m.capacity)]
    options = [[None] + [k for k, m in enumerate(places) if not why_not(m, e, kind, former)] for e in roster.mentees]
    best = (0, 0)
    for choice in itertools.product(*options):
        used = [c for c in choice if c is not None]
        if len(used) != len(set(used)):
            continue
        total = sum(score_pair(places[c], e, kind)[0] for c, e in zip(choice, roster.mentees) if c is not None)
        best = max(best, (len(used), total))
    return best


@settings(max_examples=80, deadline=None)
@given(rosters(max_mentees=4, max_mentors=3), kinds)
def test_suggested_pairs_the_most_people_then_the_best_total_score(drawn, kind):
    roster, former = drawn
    result = suggested_matching(roster, kind, former)
    assert (len(result.pairs), sum(p.score for p in result.pairs)) == brute_force_best(roster, kind, former)


def package_matching(roster: Roster, mentee_prefs: dict, mentor_prefs: dict) -> set[tuple[str, str]]:
    """The resident-optimal stable matching from the `matching` package (residents = mentees)."""
    mentee_prefs = {e: prefs for e, prefs in mentee_prefs.items() if prefs}
    mentor_prefs = {m: [e for e in prefs if e in mentee_prefs] for m, prefs in mentor_prefs.items()}
    mentor_prefs = {m: prefs for m, prefs in mentor_prefs.items() if prefs}
    mentee_prefs = {e: [m for m in prefs if m in mentor_prefs] for e, prefs in mentee_prefs.items()}
    mentee_prefs = {e: prefs for e, prefs in mentee_prefs.items() if prefs}
    if not mentee_prefs:
        return set()
    capacities = {m.email: m.capacity for m in roster.mentors if m.email in mentor_prefs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(mentee_prefs, mentor_prefs, capacities)
        solved = game.solve(optimal="resident")
    return {(mentor.name, mentee.name) for mentor, mentees in solved.items() for mentee in mentees}


@PROPERTY
@given(rosters(max_mentees=8, max_mentors=5, complete_rankings=True, with_constraints=False))
def test_with_complete_strict_rankings_it_is_the_hospital_resident_answer(drawn):
    roster, former = drawn
    ours = {(p.mentor, p.mentee) for p in stable_matching(roster).pairs}
    mentee_prefs = {e.email: [m for m in e.ranking if roster.person(m).role is RosterRole.MENTOR] for e in roster.mentees}
    mentor_prefs = {m.email: list(m.ranking) for m in roster.mentors}
    assert ours == package_matching(roster, mentee_prefs, mentor_prefs)


@PROPERTY
@given(rosters(), kinds)
def test_with_partial_rankings_and_exclusions_it_matches_the_package_on_the_stated_preferences(drawn, kind):
    roster, former = drawn
    ours = {(p.mentor, p.mentee) for p in stable_matching(roster, kind, former).pairs}
    mentee_prefs = {e.email: preference_list(e, roster, kind, former) for e in roster.mentees}
    mentor_prefs = {m.email: preference_list(m, roster, kind, former) for m in roster.mentors}
    assert ours == package_matching(roster, mentee_prefs, mentor_prefs)


# ---- rules and explanations on small hand-made rosters ----

def person(email, role, **fields) -> RosterPerson:
    return RosterPerson(email=email, role=RosterRole(role), line=2, **fields)


def test_an_unranked_but_acceptable_mentor_comes_below_everyone_ranked_then_by_score():
    roster = Roster((
        person("e@contoso.com", "mentee", focus_areas=("knife crime",), ranking=("m2@contoso.com",)),
        person("m1@contoso.com", "mentor", focus_areas=("knife crime",)),  # scores higher, but not ranked
        person("m2@contoso.com", "mentor"),
    ))
    assert [(p.mentor, p.mentee) for p in stable_matching(roster).pairs] == [("m2@contoso.com", "e@contoso.com")]
    roster = Roster((
        person("e@contoso.com", "mentee", focus_areas=("knife crime",)),
        person("m1@contoso.com", "mentor"),
        person("m2@contoso.com", "mentor", focus_areas=("knife crime",)),
    ))
    assert stable_matching(roster).pairs[0].mentor == "m2@contoso.com"
    tie = Roster((person("e@contoso.com", "mentee"), person("mb@contoso.com", "mentor"), person("ma@contoso.com", "mentor")))
    assert stable_matching(tie).pairs[0].mentor == "ma@contoso.com"  # equal scores: by email


def test_nobody_allowed_is_explained_by_reason():
    roster = Roster((
        person("e@contoso.com", "mentee", line_manager="m1@contoso.com", organisation="Contoso"),
        person("m1@contoso.com", "mentor", organisation="Fabrikam"),
        person("m2@contoso.com", "mentor", exclude=("e@contoso.com",), organisation="Fabrikam"),
        person("m3@contoso.com", "mentor", organisation="Contoso"),
    ))
    result = stable_matching(roster, ProgrammeKind.CROSS_SECTOR, former_pairs([("m3@contoso.com", "x@contoso.com")]))
    assert result.pairs == ()
    reason = {u.email: u.reason for u in result.unmatched}
    assert reason["e@contoso.com"] == (
        "no mentor can be paired with them (excluded: m2@contoso.com; line manager: m1@contoso.com; "
        "same organisation: m3@contoso.com)")
    assert reason["m1@contoso.com"].startswith("no mentee can be paired with them (line manager")


def test_former_partners_are_never_matched_again():
    roster = Roster((person("e@contoso.com", "mentee"), person("m@contoso.com", "mentor")))
    assert len(stable_matching(roster).pairs) == 1
    again = former_pairs([("M@contoso.com", "e@contoso.com")])
    for method in Method:
        result = match(roster, method, former=again)
        assert result.pairs == ()
        assert "former partner: m@contoso.com" in {u.email: u.reason for u in result.unmatched}["e@contoso.com"]


def test_a_full_mentor_is_explained():
    roster = Roster((
        person("a@contoso.com", "mentee", ranking=("m@contoso.com",)),
        person("b@contoso.com", "mentee", ranking=("m@contoso.com",)),
        person("m@contoso.com", "mentor", ranking=("b@contoso.com",)),
    ))
    result = stable_matching(roster)
    assert [(p.mentor, p.mentee) for p in result.pairs] == [("m@contoso.com", "b@contoso.com")]
    assert result.unmatched[0].email == "a@contoso.com"
    assert result.unmatched[0].reason == (
        "every mentor who could be paired with them (1) was full with mentees that mentor preferred; "
        "2 mentees for 1 place")


def test_a_mentor_with_capacity_takes_several_mentees():
    roster = Roster((
        person("a@contoso.com", "mentee"), person("b@contoso.com", "mentee"), person("c@contoso.com", "mentee"),
        person("m@contoso.com", "mentor", capacity=3),
    ))
    for method in Method:
        assert len(match(roster, method).pairs) == 3


def test_score_reasons_say_what_counted():
    mentor = person("m@contoso.com", "mentor", name="Mo", focus_areas=("Knife crime", "Leadership"),
                    availability=("Mon AM",), ranking=("e@contoso.com", "x@contoso.com"), organisation="Fabrikam")
    mentee = person("e@contoso.com", "mentee", name="Em", focus_areas=("knife crime",), wants="More leadership skills",
                    availability=("mon am", "tue pm"), ranking=("z@contoso.com", "m@contoso.com"), organisation="Contoso")
    score, reasons = score_pair(mentor, mentee, ProgrammeKind.CROSS_SECTOR)
    assert score == 3 + 1 + 1 + 2 + 3
    assert reasons == (
        "shared focus: knife crime (+3)",
        "what Em wants matches Mo's focus: leadership (+1)",
        "both available: mon am (+1)",
        "Em ranked Mo 2nd of 2 (+2)",
        "Mo ranked Em first (+3)",
        "spans organisations: Fabrikam and Contoso",
    )
    apart = person("e@contoso.com", "mentee", availability=("nights",))
    assert score_pair(person("m@contoso.com", "mentor", availability=("earlies",)), apart, ProgrammeKind.PEER) == (
        -2, ("no availability in common (-2)",))


# ---- seed programmes ----

def seed(name: str) -> Roster:
    return read_roster((FIXTURES / name).read_bytes())


@pytest.mark.parametrize("method", list(Method))
def test_s1_every_mentee_gets_a_mentor_on_their_focus_and_the_reserve_waits(method):
    roster = seed("s1_formal_diversity.csv")
    assert (len(roster.mentees), len(roster.mentors) + len(roster.reserves)) == (8, 9)
    result = match(roster, method)
    assert len(result.pairs) == 8
    for pair in result.pairs:
        assert pair.reasons[0].startswith("shared focus"), pair
    assert [(u.email, u.reason.split(":")[0]) for u in result.unmatched] == [("quentin.adams@cityoflondon.police.uk", "reserve")]
    amara = next(p for p in result.pairs if p.mentee.startswith("amara"))
    assert amara.mentor != "dev.patel@cityoflondon.police.uk"  # her line manager, though the best fit on paper


def test_s1_a_pairing_ends_and_the_reserve_is_offered():
    roster = seed("s1_formal_diversity.csv")
    ended = next(p for p in stable_matching(roster).pairs if p.mentee.startswith("grace"))
    offer = best_reserve_for(roster, "grace.lee@cityoflondon.police.uk", former=former_pairs([(ended.mentor, ended.mentee)]))
    assert offer.mentor == "quentin.adams@cityoflondon.police.uk" and offer.reasons[0] == "shared focus: promotion (+3)"
    with pytest.raises(NotFound, match="no reserve left"):
        best_reserve_for(roster, "grace.lee@cityoflondon.police.uk", taken=["quentin.adams@cityoflondon.police.uk"])
    with pytest.raises(NotFound, match="No reserve can be paired with Grace Lee .former partner"):
        best_reserve_for(roster, "grace.lee@cityoflondon.police.uk",
                         former=former_pairs([("quentin.adams@cityoflondon.police.uk", "grace.lee@cityoflondon.police.uk")]))
    with pytest.raises(InvalidInput, match="not a mentee"):
        best_reserve_for(roster, "dev.patel@cityoflondon.police.uk")


def test_s2_launch_day_choices_are_honoured_and_every_pair_spans_the_two_organisations():
    roster = seed("s2_cross_sector_launch_day.csv")
    result = stable_matching(roster, ProgrammeKind.CROSS_SECTOR)
    pairs = {(p.mentee.split("@")[0], p.mentor.split("@")[0]) for p in result.pairs}
    assert pairs == {
        ("sam.carter", "ravi.nair"), ("jo.fields", "tom.reid"),  # police mentees got their first choices
        ("leo.grant", "kate.morgan"),  # Kate and Leo chose each other first
        ("ana.costa", "mark.dunn"),  # Ana's second choice: Kate preferred Leo
    }
    assert result.unmatched == ()
    assert all(roster.person(p.mentor).organisation != roster.person(p.mentee).organisation for p in result.pairs)
    # as a traditional programme the same rankings could pair within one organisation; cross-sector never does
    same_org = Roster(tuple(
        p if p.email != "sam.carter@hampshire.police.uk" else replace(p, ranking=("kate.morgan@hampshire.police.uk",))
        for p in roster.people))
    assert ("kate.morgan@hampshire.police.uk", "sam.carter@hampshire.police.uk") not in {
        (p.mentor, p.mentee) for p in stable_matching(same_org, ProgrammeKind.CROSS_SECTOR).pairs}


@pytest.mark.parametrize("method", list(Method))
def test_s3_each_young_mentor_is_paired_with_the_officer_on_her_focus_area(method):
    roster = seed("s3_reverse_pilot.csv")
    result = match(roster, method, ProgrammeKind.REVERSE)
    focus = {(roster.person(p.mentor).focus_areas, roster.person(p.mentee).focus_areas) for p in result.pairs}
    assert focus == {(("knife crime",), ("knife crime",)), (("domestic abuse",), ("domestic abuse",)),
                     (("social inequality",), ("social inequality",))}
    assert all(roster.person(p.mentor).organisation == "The Girls' Network" for p in result.pairs)
    assert result.unmatched == ()
