"""Matching mentors and mentees from a checked roster: suggested scores, stable matching, best total, reserves.

Who may be paired at all (every method): never a person with someone either of them excludes, never
with their line manager (either way round), never with a former partner (the caller passes the former
pairs; a manager who insists pairs by hand), and in a cross-sector programme only across organisations
(both must give one). Reserves are not matched by either method; they are listed, and
`best_reserve_for` offers one when a pairing ends.

The suggested score of an allowed pairing adds up, in whole points:
    +3 for each focus area both share (case-insensitive);
    +1 for each word of what the mentee wants that appears in the mentor's focus areas or wants
       (words of 4+ letters, a final "s" ignored, common words dropped), at most +3;
    +1 for each availability slot both share, at most +3; -2 when both gave availability and none meets;
    +2 when the mentee ranked the mentor, +1 more if first; the same for the mentor ranking the mentee.
Capacity is a constraint, not points: room for more mentees does not make a better mentor.
Programme kind: cross-sector is the organisation rule above. Reverse mentoring needs no rule here: the
roster says who mentors, and in a reverse programme the junior party is the one listed as mentor (the
roster has no seniority column to check it against). Peer and group programmes match like traditional
ones; a group mentor is a mentor with capacity for the group.

Results never depend on the order of the file's rows: everyone is indexed in email order and every tie is
broken by score, then by email.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from dataclasses import dataclass
from enum import Enum
from typing import Iterable

import numpy as np

from bot.domain.errors import InvalidInput, NotFound
from bot.domain.roster import Roster, RosterPerson, RosterRole

FOCUS_POINTS = 3
WANTS_POINTS, WANTS_CAP = 1, 3
AVAILABILITY_POINTS, AVAILABILITY_CAP, NO_AVAILABILITY_PENALTY = 1, 3, -2
RANKED_POINTS, FIRST_CHOICE_POINTS = 2, 1
STOP_WORDS = frozenset(
    "about also and been being better from have help into just learn learning like more mentor mentoring "
    "some that their them they this want wants what when with would your".split()
)


class ProgrammeKind(str, Enum):
    TRADITIONAL = "traditional"
    REVERSE = "reverse"
    CROSS_SECTOR = "cross-sector"
    PEER = "peer"
    GROUP = "group"


class Method(str, Enum):
    STABLE = "stable"
    SUGGESTED = "suggested"


@dataclass(frozen=True)
class Suggestion:
    mentor: str
    mentee: str
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unmatched:
    email: str
    reason: str


@dataclass(frozen=True)
class MatchResult:
    method: Method
    pairs: tuple[Suggestion, ...]
    unmatched: tuple[Unmatched, ...]

    def to_json(self) -> dict:
        return {
            "pairs": [
                {"mentor": p.mentor, "mentee": p.mentee, "score": p.score, "reasons": list(p.reasons)}
                for p in self.pairs
            ],
            "unmatched": [{"email": u.email, "reason": u.reason} for u in self.unmatched],
        }


def former_pairs(pairs: Iterable[tuple[str, str]]) -> frozenset[frozenset[str]]:
    """Former partners as unordered pairs of lower-cased emails."""
    return frozenset(frozenset((a.strip().lower(), b.strip().lower())) for a, b in pairs)


# ---- one pairing: allowed?, score and reasons (the reference the matrices below must agree with) ----

def why_not(mentor: RosterPerson, mentee: RosterPerson, kind: ProgrammeKind,
            former: frozenset[frozenset[str]] = frozenset()) -> str:
    """Why these two may never be paired, or "" when they may."""
    if mentee.email in mentor.exclude or mentor.email in mentee.exclude:
        return "excluded"
    if mentor.email == mentee.line_manager or mentee.email == mentor.line_manager:
        return "line manager"
    if frozenset((mentor.email, mentee.email)) in former:
        return "former partner"
    if kind is ProgrammeKind.CROSS_SECTOR:
        if not mentor.organisation or not mentee.organisation:
            return "organisation not given"
        if mentor.organisation.casefold() == mentee.organisation.casefold():
            return "same organisation"
    return ""


def _words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"[a-z]+", text.casefold()):
        if len(word) >= 4 and word not in STOP_WORDS:
            words.add(word[:-1] if word.endswith("s") else word)
    return words


def _mentor_words(mentor: RosterPerson) -> set[str]:
    return _words(" ".join(mentor.focus_areas) + " " + mentor.wants)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _rank_points(position: int) -> int:
    return RANKED_POINTS + (FIRST_CHOICE_POINTS if position == 0 else 0)


def _ranking_points(ranker: RosterPerson, ranked: RosterPerson) -> tuple[int, str]:
    if ranked.email not in ranker.ranking:
        return 0, ""
    position = ranker.ranking.index(ranked.email)
    points = _rank_points(position)
    choice = "first" if position == 0 else f"{_ordinal(position + 1)} of {len(ranker.ranking)}"
    return points, f"{ranker.display} ranked {ranked.display} {choice} (+{points})"


def score_pair(mentor: RosterPerson, mentee: RosterPerson, kind: ProgrammeKind) -> tuple[int, tuple[str, ...]]:
    """The suggested score of an allowed pairing and the reasons for it, in words a manager can check."""
    score, reasons = 0, []
    mentor_focus = {area.casefold(): area for area in mentor.focus_areas}
    shared = [area for area in mentee.focus_areas if area.casefold() in mentor_focus]
    if shared:
        score += FOCUS_POINTS * len(shared)
        reasons.append(f"shared focus: {', '.join(shared)} (+{FOCUS_POINTS * len(shared)})")

    wanted = sorted(_words(mentee.wants) & _mentor_words(mentor))
    if wanted:
        points = WANTS_POINTS * min(len(wanted), WANTS_CAP)
        score += points
        reasons.append(f"what {mentee.display} wants matches {mentor.display}'s focus: {', '.join(wanted)} (+{points})")

    if mentor.availability and mentee.availability:
        theirs = {slot.casefold() for slot in mentor.availability}
        common = [slot for slot in mentee.availability if slot.casefold() in theirs]
        if common:
            points = AVAILABILITY_POINTS * min(len(common), AVAILABILITY_CAP)
            score += points
            reasons.append(f"both available: {', '.join(common)} (+{points})")
        else:
            score += NO_AVAILABILITY_PENALTY
            reasons.append(f"no availability in common ({NO_AVAILABILITY_PENALTY})")

    for ranker, ranked in ((mentee, mentor), (mentor, mentee)):
        points, reason = _ranking_points(ranker, ranked)
        if points:
            score += points
            reasons.append(reason)

    if kind is ProgrammeKind.CROSS_SECTOR:
        reasons.append(f"spans organisations: {mentor.organisation} and {mentee.organisation}")
    if not reasons:
        reasons.append("allowed, but nothing in the roster links them (no shared focus, wants or choices)")
    return score, tuple(reasons)


# ---- the whole roster at once, as matrices (mentees are rows, mentors columns, both in email order) ----

class _Board:
    """Scores and the allowed mask for every mentee-mentor pairing, built with numpy so 1,000 x 1,000 is quick."""

    def __init__(self, roster: Roster, kind: ProgrammeKind, former: frozenset[frozenset[str]]):
        self.roster, self.kind, self.former = roster, kind, former
        self.mentees, self.mentors = roster.mentees, roster.mentors
        self.mentee_index = {p.email: i for i, p in enumerate(self.mentees)}
        self.mentor_index = {p.email: j for j, p in enumerate(self.mentors)}
        self.capacity = [min(p.capacity, len(self.mentees)) for p in self.mentors]
        self.allowed = self._allowed()
        self.score = self._scores()

    @staticmethod
    def _incidence(items_by_person: list[set[str]]) -> np.ndarray:
        vocabulary: dict[str, int] = {}
        for items in items_by_person:
            for item in items:
                vocabulary.setdefault(item, len(vocabulary))
        matrix = np.zeros((len(items_by_person), max(len(vocabulary), 1)), dtype=np.float32)
        for row, items in enumerate(items_by_person):
            matrix[row, [vocabulary[item] for item in items]] = 1.0
        return matrix

    def _overlap(self, mentee_sets: list[set[str]], mentor_sets: list[set[str]]) -> np.ndarray:
        both = self._incidence(mentee_sets + mentor_sets)
        return np.rint(both[: len(mentee_sets)] @ both[len(mentee_sets):].T).astype(np.int32)

    def _scores(self) -> np.ndarray:
        focus = self._overlap(
            [{a.casefold() for a in p.focus_areas} for p in self.mentees],
            [{a.casefold() for a in p.focus_areas} for p in self.mentors])
        score = FOCUS_POINTS * focus
        wants = self._overlap([_words(p.wants) for p in self.mentees], [_mentor_words(p) for p in self.mentors])
        score += WANTS_POINTS * np.minimum(wants, WANTS_CAP)
        availability = self._overlap(
            [{s.casefold() for s in p.availability} for p in self.mentees],
            [{s.casefold() for s in p.availability} for p in self.mentors])
        gave = np.outer([bool(p.availability) for p in self.mentees], [bool(p.availability) for p in self.mentors])
        score += np.where(
            gave,
            np.where(availability > 0, AVAILABILITY_POINTS * np.minimum(availability, AVAILABILITY_CAP),
                     NO_AVAILABILITY_PENALTY),
            0)
        cells = [(i, self.mentor_index[email], _rank_points(position))
                 for i, mentee in enumerate(self.mentees)
                 for position, email in enumerate(mentee.ranking) if email in self.mentor_index]
        cells += [(self.mentee_index[email], j, _rank_points(position))
                  for j, mentor in enumerate(self.mentors)
                  for position, email in enumerate(mentor.ranking) if email in self.mentee_index]
        if cells:
            rows, columns, points = (np.array(values) for values in zip(*cells))
            np.add.at(score, (rows, columns), points.astype(score.dtype))
        return score

    def _allowed(self) -> np.ndarray:
        allowed = np.ones((len(self.mentees), len(self.mentors)), dtype=bool)
        if self.kind is ProgrammeKind.CROSS_SECTOR:
            organisations: dict[str, int] = {"": -1}
            mentee_org = np.array([organisations.setdefault(p.organisation.casefold(), len(organisations))
                                   for p in self.mentees], dtype=np.int64)
            mentor_org = np.array([organisations.setdefault(p.organisation.casefold(), len(organisations))
                                   for p in self.mentors], dtype=np.int64)
            allowed &= mentee_org[:, None] != mentor_org[None, :]
            allowed[mentee_org == -1, :] = False
            allowed[:, mentor_org == -1] = False

        def block(a: str, b: str) -> None:
            if a in self.mentee_index and b in self.mentor_index:
                allowed[self.mentee_index[a], self.mentor_index[b]] = False
            elif b in self.mentee_index and a in self.mentor_index:
                allowed[self.mentee_index[b], self.mentor_index[a]] = False

        for person in self.roster.people:
            for other in person.exclude:
                block(person.email, other)
            if person.line_manager:
                block(person.email, person.line_manager)
        for pair in self.former:
            if len(pair) == 2:
                block(*sorted(pair))
        return allowed

    def suggestion(self, i: int, j: int) -> Suggestion:
        mentee, mentor = self.mentees[i], self.mentors[j]
        score, reasons = score_pair(mentor, mentee, self.kind)
        return Suggestion(mentor.email, mentee.email, score, reasons)

    def blocked_summary(self, person: RosterPerson, others: tuple[RosterPerson, ...]) -> str:
        """Why nobody on the other side can be paired with `person`, grouped by reason."""
        side = "mentor" if person.role is RosterRole.MENTEE else "mentee"
        if not others:
            return f"there is no {side} on the roster"
        return f"no {side} can be paired with them ({_blocked_reasons(person, others, self.kind, self.former)})"

    def places(self) -> str:
        places = sum(self.capacity)
        return f"{len(self.mentees)} mentees for {places} place{'' if places == 1 else 's'}"


def _blocked_reasons(person: RosterPerson, others: Iterable[RosterPerson], kind: ProgrammeKind,
                     former: frozenset[frozenset[str]]) -> str:
    """`excluded: a@x; line manager: b@x; ...`, naming up to three people per reason."""
    groups: dict[str, list[str]] = {}
    for other in others:
        mentor, mentee = (other, person) if person.role is RosterRole.MENTEE else (person, other)
        groups.setdefault(why_not(mentor, mentee, kind, former), []).append(other.email)
    parts = []
    for reason in sorted(groups):
        emails = groups[reason]
        named = ", ".join(emails) if len(emails) <= 3 else f"{len(emails)} people"
        parts.append(f"{reason}: {named}")
    return "; ".join(parts)


# ---- stable matching: mentee-proposing deferred acceptance with mentor capacities ----

def _preference_keys(score: np.ndarray, allowed: np.ndarray, rankings: list[list[int]]) -> np.ndarray:
    """A sort key per (ranker row, ranked column): smaller is preferred; disallowed is the largest.

    Ranked people come first in ranking order; then everyone else allowed, by higher score, then by email
    (column order is email order). Keys are unique per row, so preferences are strict.
    """
    rows, columns = score.shape
    unranked_base = columns + 1
    wide = score.astype(np.int64)  # keys reach (score range) x (columns): keep them clear of int32 limits
    top = int(wide.max()) if wide.size else 0
    keys = unranked_base + (top - wide) * (columns + 1) + np.arange(columns, dtype=np.int64)[None, :]
    for row, ranked in enumerate(rankings):
        for position, column in enumerate(ranked):
            keys[row, column] = position
    return np.where(allowed, keys, np.iinfo(np.int64).max)


class _Preferences:
    """Both sides' preferences as numpy arrays; the proposal loop reads only the cells it needs."""

    def __init__(self, board: _Board):
        mentee_rankings = [
            [board.mentor_index[e] for e in p.ranking if e in board.mentor_index] for p in board.mentees]
        mentor_rankings = [
            [board.mentee_index[e] for e in p.ranking if e in board.mentee_index] for p in board.mentors]
        # mentor_keys[mentee, mentor]: how the mentor ranks that mentee (smaller is better)
        self.mentor_keys = _preference_keys(board.score.T, board.allowed.T, mentor_rankings).T
        self.mentee_order = np.argsort(_preference_keys(board.score, board.allowed, mentee_rankings), axis=1)
        self.acceptable = board.allowed.sum(axis=1).tolist()


def _deferred_acceptance(preferences: _Preferences, capacity: list[int]) -> list[list[int]]:
    """Mentee-proposing deferred acceptance; returns the mentees held by each mentor."""
    held: list[list[tuple[int, int]]] = [[] for _ in capacity]  # max-heap of (-key, mentee) per mentor
    order, keys, acceptable = preferences.mentee_order, preferences.mentor_keys, preferences.acceptable
    next_choice = [0] * len(acceptable)
    free = deque(range(len(acceptable)))
    while free:
        mentee = free.popleft()
        while next_choice[mentee] < acceptable[mentee]:
            mentor = int(order[mentee, next_choice[mentee]])
            next_choice[mentee] += 1
            key = int(keys[mentee, mentor])
            heap = held[mentor]
            if len(heap) < capacity[mentor]:
                heapq.heappush(heap, (-key, mentee))
                break
            if -heap[0][0] > key:
                _, rejected = heapq.heapreplace(heap, (-key, mentee))
                free.append(rejected)
                break
    return [sorted(mentee for _, mentee in heap) for heap in held]


def stable_matching(roster: Roster, kind: ProgrammeKind = ProgrammeKind.TRADITIONAL,
                    former: frozenset[frozenset[str]] = frozenset()) -> MatchResult:
    """The mentee-optimal stable matching under the rankings (unranked allowed people below the ranked ones,
    ordered by suggested score, then email). No allowed pair would both rather be with each other."""
    board = _Board(roster, kind, former)
    preferences = _Preferences(board)
    held = _deferred_acceptance(preferences, board.capacity)
    matched = {i: j for j, mentees in enumerate(held) for i in mentees}

    def mentee_reason(i: int) -> str:
        if not preferences.acceptable[i]:
            return board.blocked_summary(board.mentees[i], board.mentors)
        return (f"every mentor who could be paired with them ({preferences.acceptable[i]}) was full with "
                f"mentees that mentor preferred; {board.places()}")

    def mentor_reason(j: int) -> str:
        if not board.allowed[:, j].any():
            return board.blocked_summary(board.mentors[j], board.mentees)
        return "every mentee who could be paired with them was placed with a mentor they preferred"

    return _result(Method.STABLE, board, matched, held, mentee_reason, mentor_reason)


# ---- suggested: the assignment with the most pairs, and among those the highest total score ----

def suggested_matching(roster: Roster, kind: ProgrammeKind = ProgrammeKind.TRADITIONAL,
                       former: frozenset[frozenset[str]] = frozenset()) -> MatchResult:
    """Maximum-total-score assignment honouring capacities (scipy's linear_sum_assignment on one column per
    mentor place). As many people as possible are paired first; the total score decides among those."""
    # imported here: scipy.optimize takes seconds to import on a busy machine, and only this method needs it
    from scipy.optimize import linear_sum_assignment

    board = _Board(roster, kind, former)
    columns = [j for j, capacity in enumerate(board.capacity) for _ in range(capacity)]
    held: list[list[int]] = [[] for _ in board.mentors]
    matched: dict[int, int] = {}
    if columns and board.mentees:
        score = board.score[:, columns]
        allowed = board.allowed[:, columns]
        spread = int(score.max() - score.min()) + 1
        # a pairing is worth more than any difference in scores, so the most people are paired first
        per_pair = spread * (len(board.mentees) + 1)
        weight = np.where(allowed, per_pair + score - int(score.min()), 0).astype(np.float64)
        rows, places = linear_sum_assignment(weight, maximize=True)
        for i, place in zip(rows.tolist(), places.tolist()):
            if allowed[i, place]:
                matched[i] = columns[place]
                held[columns[place]].append(i)

    def mentee_reason(i: int) -> str:
        if not board.allowed[i].any():
            return board.blocked_summary(board.mentees[i], board.mentors)
        count = int(board.allowed[i].sum())
        return (f"the {count} mentor{'s' if count != 1 else ''} who could be paired with them "
                f"{'were' if count != 1 else 'was'} needed for other mentees; {board.places()}")

    def mentor_reason(j: int) -> str:
        if not board.allowed[:, j].any():
            return board.blocked_summary(board.mentors[j], board.mentees)
        return "every mentee who could be paired with them was placed with another mentor, for more pairs or a better total fit"

    return _result(Method.SUGGESTED, board, matched, held, mentee_reason, mentor_reason)


def _result(method, board: _Board, matched: dict[int, int], held: list[list[int]], mentee_reason, mentor_reason) -> MatchResult:
    pairs = sorted((board.suggestion(i, j) for i, j in matched.items()), key=lambda s: (s.mentor, s.mentee))
    unmatched = [Unmatched(board.mentees[i].email, mentee_reason(i))
                 for i in range(len(board.mentees)) if i not in matched]
    unmatched += [Unmatched(board.mentors[j].email, mentor_reason(j))
                  for j in range(len(board.mentors)) if not held[j]]
    unmatched += [Unmatched(p.email, "reserve: kept in the pool to re-match someone if a pairing ends")
                  for p in board.roster.reserves]
    return MatchResult(method, tuple(pairs), tuple(sorted(unmatched, key=lambda u: u.email)))


def match(roster: Roster, method: Method, kind: ProgrammeKind = ProgrammeKind.TRADITIONAL,
          former: frozenset[frozenset[str]] = frozenset()) -> MatchResult:
    if method is Method.STABLE:
        return stable_matching(roster, kind, former)
    return suggested_matching(roster, kind, former)


def _best_of(person: RosterPerson, pool: Iterable[RosterPerson], kind: ProgrammeKind,
             former: frozenset[frozenset[str]]) -> Suggestion | None:
    """Of the people in `pool` who may be paired with `person`: one they ranked first, then the best score,
    then by email. None if nobody may."""
    candidates = []
    for mentor in pool:
        if why_not(mentor, person, kind, former):
            continue
        score, reasons = score_pair(mentor, person, kind)
        ranked = person.ranking.index(mentor.email) if mentor.email in person.ranking else len(person.ranking)
        candidates.append((ranked, -score, mentor.email, Suggestion(mentor.email, person.email, score, reasons)))
    return min(candidates)[3] if candidates else None


def best_reserve_for(roster: Roster, email: str, kind: ProgrammeKind = ProgrammeKind.TRADITIONAL,
                     former: frozenset[frozenset[str]] = frozenset(), taken: Iterable[str] = ()) -> Suggestion:
    """The reserve to offer a mentee whose pairing ended: one they ranked first, then the best score, then
    by email. Pass the ended pair in `former` and any reserves already re-matched in `taken`."""
    if email not in roster:
        raise NotFound(f"{email} is not on this roster.")
    person = roster.person(email)
    if person.role is not RosterRole.MENTEE:
        raise InvalidInput(
            f"{person.display} is not a mentee; reserves are mentors held back for mentees whose pairing ends.")
    gone = {e.strip().lower() for e in taken}
    pool = [r for r in roster.reserves if r.email not in gone]
    best = _best_of(person, pool, kind, former)
    if best is None:
        if not pool:
            raise NotFound(f"There is no reserve left to offer {person.display}.")
        raise NotFound(f"No reserve can be paired with {person.display} "
                       f"({_blocked_reasons(person, pool, kind, former)}).")
    return best


def next_best_for(roster: Roster, email: str, kind: ProgrammeKind = ProgrammeKind.TRADITIONAL,
                  former: frozenset[frozenset[str]] = frozenset(), taken: Iterable[str] = ()) -> Suggestion:
    """After a match was declined or ended early: the best free mentor or reserve for the mentee (one they
    ranked first, then the best score, then by email), never the former partner."""
    if email not in roster:
        raise NotFound(f"{email} is not on this roster.")
    person = roster.person(email)
    gone = {e.strip().lower() for e in taken}
    best = _best_of(person, [m for m in (*roster.mentors, *roster.reserves) if m.email not in gone], kind, former)
    if best is None:
        raise NotFound(f"No free mentor or reserve can be paired with {person.display}.")
    return best
