"""Cards for taking part: the invitation to join (with the privacy notice), the manager's roster, and the
match proposal a manager reviews before publishing it."""

from __future__ import annotations

from typing import Any, Sequence

from bot.domain.enrolment import PRIVACY_NOTICE, Participant, Status
from bot.domain.matching import MatchResult, Method
from bot.domain.programmes import Programme
from bot.domain.roster import RosterRole
from bot.domain.text import clean
from bot.domain.uktime import format_day
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text, who
from cards.words import KIND_NOTE

SHOWN_PAIRS = 25  # a proposal card lists this many pairs; the rest are counted (the card stays within Teams' size)
SHOWN_UNMATCHED = 15
REASONS_CHARS = 150  # the reasons for one pair, cut to this on the card
SHOWN_WAITING = 20
STATUS_WORDS = {Status.INVITED: "invited, not joined yet", Status.JOINED: "joined", Status.LEFT: "left"}


def _kind_note(programme: Programme) -> list[dict[str, Any]]:
    """What the programme's kind means for its pairs, when it is not the usual one."""
    note = KIND_NOTE.get(programme.kind)
    return [text(note, subtle=True)] if note else []


def join_card(programme: Programme, participant: Participant, note: str = "") -> dict[str, Any]:
    """The invitation: what joining means, and an explicit choice. Pressing Join is the consent."""
    body = [
        heading(f"Join {programme.name}?"),
        facts([("As a", participant.role.value), ("Runs", f"{format_day(programme.starts_on)} to {format_day(programme.ends_on)}")]),
        *_kind_note(programme),
        text(PRIVACY_NOTICE),
    ]
    if note:
        return card([*body, done(note)])
    data = {"programmeId": programme.id}
    return card(body, [execute("I agree: join", verbs.ENROL_JOIN, data, style="positive"),
                       execute("No thanks", verbs.ENROL_DECLINE, data)])


def roster_card(programme: Programme, participants: Sequence[Participant]) -> dict[str, Any]:
    """Who is taking part, by role and whether they joined; who is still to open Tandem."""
    def count(role: str, status: Status) -> int:
        return sum(1 for p in participants if p.role.value == role and p.status is status)

    rows = [(f"{role.capitalize()}s", f"{count(role, Status.JOINED)} joined, {count(role, Status.INVITED)} invited")
            for role in ("mentee", "mentor", "reserve")]
    body = [heading(f"Who's taking part in {programme.name}"), *_kind_note(programme), facts(rows)]
    waiting = [p for p in participants if p.status is Status.INVITED]
    if waiting:
        body.append(text("**Waiting to open Tandem or join**", markdown=True))
        body.append(text(", ".join(who(p.name or p.email) for p in waiting[:SHOWN_WAITING])
                         + (f" and {len(waiting) - SHOWN_WAITING} more" if len(waiting) > SHOWN_WAITING else "")))
    body.append(text("Invite people with **invite @person as mentor** (or mentee, reserve), or import a roster file. "
                     "Then say **match** to see a proposal.", subtle=True, markdown=True))
    return card(body)


def proposal_card(programme: Programme, method: Method, result: MatchResult, names: dict[str, str], digest: str,
                  note: str = "", warning: str = "") -> dict[str, Any]:
    """The pairs Tandem proposes, with the reasons for each, and who is left unmatched and why."""
    def name(email: str) -> str:
        return who(names.get(email) or email)

    how = "stable matching from everyone's choices" if method is Method.STABLE else "the best overall fit"
    body = [heading(f"Proposed pairs for {programme.name}"),
            text(f"{len(result.pairs)} pair{'' if len(result.pairs) == 1 else 's'}, by {how}. Nobody is paired with their "
                 "line manager, someone they excluded or a former partner."), *_kind_note(programme)]
    if warning:
        body.append(text(warning, subtle=True))
    for pair in result.pairs[:SHOWN_PAIRS]:
        body.append(facts([(f"{name(pair.mentor)} and {name(pair.mentee)}", clean("; ".join(pair.reasons), REASONS_CHARS) or "an allowed pairing")]))
    if len(result.pairs) > SHOWN_PAIRS:
        body.append(text(f"...and {len(result.pairs) - SHOWN_PAIRS} more pairs.", subtle=True))
    if result.unmatched:
        body.append(text("**Not matched**", markdown=True))
        body.append(facts([(name(u.email), clean(u.reason, REASONS_CHARS)) for u in result.unmatched[:SHOWN_UNMATCHED]]))
        if len(result.unmatched) > SHOWN_UNMATCHED:
            body.append(text(f"...and {len(result.unmatched) - SHOWN_UNMATCHED} more not matched.", subtle=True))
    if note:
        return card([*body, done(note)])
    actions = [execute("Publish these pairs", verbs.MATCH_PUBLISH,
                       {"programmeId": programme.id, "method": method.value, "digest": digest}, style="positive")] if result.pairs else []
    return card(body, actions)


def reserve_offer_card(programme: Programme, reserve: Participant, mentee: Participant, reasons: Sequence[str],
                       note: str = "") -> dict[str, Any]:
    """A pairing ended early: the best reserve for the mentee left, to pair with one press."""
    word = "reserve" if reserve.role is RosterRole.RESERVE else "mentor"
    body = [heading(f"A {word} for {who(mentee.name or mentee.email)}"),
            facts([(word.capitalize(), who(reserve.name or reserve.email)), ("Mentee", who(mentee.name or mentee.email)),
                   ("Why", clean("; ".join(reasons), REASONS_CHARS) or "an allowed pairing")]),
            text(f"Their pairing in {programme.name} has ended. Pairing them tells both who their partner is.")]
    if note:
        return card([*body, done(note)])
    return card(body, [execute("Pair them", verbs.RESERVE_PAIR, {"programmeId": programme.id, "reserve": reserve.email,
                                                                 "mentee": mentee.email}, style="positive")])
