"""Pairs a manager chooses: a proposal they changed, or (matching "by hand") pairs they made from scratch.

The same rules as every other method hold, checked row by row: never a person they or their partner
excluded, never their line manager, in a cross-sector programme only across organisations, and never a
former partner unless the manager insists for that row. A mentor takes no more mentees than their capacity.
Every problem is named at once, so the manager fixes the card in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.domain.errors import InvalidInput
from bot.domain.matching import MatchResult, Method, ProgrammeKind, Suggestion, Unmatched, score_pair, why_not
from bot.domain.roster import Roster, RosterRole

NOBODY = "nobody"  # the choice "nobody for now" on the change card
WHY_NOT_WORDS = {"excluded": "one of them asked not to be paired with the other",
                 "line manager": "one is the other's line manager",
                 "same organisation": "they are in the same organisation, and pairs here span organisations",
                 "organisation not given": "one of them hasn't said which organisation they are in"}


@dataclass(frozen=True)
class HandPairs:
    result: MatchResult
    insisted: tuple[str, ...]  # mentees whose pairing with a former partner the manager insisted on


def allowed_mentors(roster: Roster, mentee: str, kind: ProgrammeKind) -> list[str]:
    """The mentors who may mentor `mentee` at all (former partners included: the manager may insist)."""
    person = next(p for p in roster.people if p.email == mentee)
    return [m.email for m in roster.people if m.role is RosterRole.MENTOR and not why_not(m, person, kind)]


def hand_pairs(roster: Roster, chosen: Mapping[str, str], kind: ProgrammeKind, former: frozenset[frozenset[str]],
               insisted: frozenset[str] = frozenset(), names: Mapping[str, str] | None = None) -> HandPairs:
    """Check the manager's choice (mentee email -> mentor email, or NOBODY) and return it as a match result.
    Raises InvalidInput naming every problem."""
    names = names or {}

    def name(email: str) -> str:
        return names.get(email) or email

    people = {p.email: p for p in roster.people}
    problems, pairs, taken = [], [], {}
    for mentee_email, mentor_email in sorted(chosen.items()):
        mentee = people.get(mentee_email)
        if mentee is None or mentee.role is not RosterRole.MENTEE:
            problems.append(f"{name(mentee_email)} isn't a mentee who has joined and is waiting for a pair")
            continue
        if not mentor_email or mentor_email == NOBODY:
            continue
        mentor = people.get(mentor_email)
        if mentor is None or mentor.role is not RosterRole.MENTOR:
            problems.append(f"{name(mentor_email)} isn't a mentor who has joined and has room")
            continue
        reason = why_not(mentor, mentee, kind)
        if reason:
            problems.append(f"{name(mentor_email)} can't mentor {name(mentee_email)}: {WHY_NOT_WORDS.get(reason, reason)}")
            continue
        if frozenset((mentor_email, mentee_email)) in former and mentee_email not in insisted:
            problems.append(f"{name(mentor_email)} and {name(mentee_email)} were paired before: tick "
                            "\u201cI insist\u201d on that row to pair them again")
            continue
        taken[mentor_email] = taken.get(mentor_email, 0) + 1
        score, reasons = score_pair(mentor, mentee, kind)
        pairs.append(Suggestion(mentor_email, mentee_email, score, ("chosen by a manager", *reasons)))
    for mentor_email, count in sorted(taken.items()):
        if count > people[mentor_email].capacity:
            problems.append(f"{name(mentor_email)} can take {people[mentor_email].capacity} "
                            f"mentee{'s' if people[mentor_email].capacity != 1 else ''}, not {count}")
    if problems:
        raise InvalidInput("Please change these pairs: " + "; ".join(problems) + ".")
    paired = {p.mentee for p in pairs} | {p.mentor for p in pairs}
    unmatched = [Unmatched(p.email, "not paired for now (the manager's choice)") for p in roster.people
                 if p.role is RosterRole.MENTEE and p.email not in paired]
    unmatched += [Unmatched(p.email, "no mentee chosen for them") for p in roster.people
                  if p.role is RosterRole.MENTOR and p.email not in paired]
    unmatched += [Unmatched(p.email, "reserve: kept in the pool to re-match someone if a pairing ends")
                  for p in roster.people if p.role is RosterRole.RESERVE]
    # MatchResult names a computed method; the Proposal around it says the manager chose these (method None)
    result = MatchResult(Method.SUGGESTED, tuple(sorted(pairs, key=lambda s: (s.mentor, s.mentee))),
                         tuple(sorted(unmatched, key=lambda u: u.email)))
    used = frozenset(p.mentee for p in pairs if frozenset((p.mentor, p.mentee)) in former)
    return HandPairs(result, tuple(sorted(insisted & used)))
