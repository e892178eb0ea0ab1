"""Cards for taking part: the invitation to join (with the privacy notice), the manager's roster, and the
match proposal a manager reviews before publishing it."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from bot.domain.enrolment import (
    MAX_AVAILABILITY, MAX_CAPACITY, MAX_JOB_TITLE, MAX_RANKED, MAX_WANTS, PRIVACY_NOTICE, Participant, ProfileAnswers, Status,
)
from bot.domain.hand_matching import NOBODY
from bot.domain.limits import MAX_CHOICE_TITLE
from bot.domain.matching import MatchResult, Method
from bot.domain.programmes import Programme
from bot.domain.roster import RosterRole
from bot.domain.text import clean, plain, without_hidden
from bot.domain.uktime import format_day
from cards import verbs
from bot.domain.limits import CARD_BUDGET_BYTES
from cards.adaptive import card, done, execute, facts, heading, open_url, size_of, text, who
from cards.words import KIND_NOTE

SHOWN_PAIRS = 25  # a proposal card lists this many pairs; the rest are counted (the card stays within Teams' size)
SHOWN_UNMATCHED = 15
REASONS_CHARS = 150  # the reasons for one pair, cut to this on the card
SHOWN_WAITING = 20
SHOWN_EXCLUDE_CHOICES = 60  # people listed on the profile card to choose whom not to be paired with
SHOWN_RANK_CHOICES = 40  # people in each choice list on the ranking card
SHOWN_CHANGE_ROWS = 12  # mentees on the change-pairs card; a larger programme changes pairs through a roster file
SHOWN_CHANGE_CHOICES = 12  # mentors offered on each row
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th")
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


def roster_card(programme: Programme, participants: Sequence[Participant], unreached: frozenset[str] = frozenset(),
                app_link: str = "") -> dict[str, Any]:
    """Who is taking part, by role and whether they joined; who Tandem can't message until they open it
    (with a link that adds Tandem in Teams, to send them), and who has their card but hasn't answered."""
    def count(role: str, status: Status) -> int:
        return sum(1 for p in participants if p.role.value == role and p.status is status)

    def names(people: Sequence[Participant]) -> dict[str, Any]:
        return text(", ".join(who(p.name or p.email) for p in people[:SHOWN_WAITING])
                    + (f" and {len(people) - SHOWN_WAITING} more" if len(people) > SHOWN_WAITING else ""))

    rows = [(f"{role.capitalize()}s", f"{count(role, Status.JOINED)} joined, {count(role, Status.INVITED)} invited")
            for role in ("mentee", "mentor", "reserve")]
    body = [heading(f"Who's taking part in {programme.name}"), *_kind_note(programme), facts(rows)]
    invited = [p for p in participants if p.status is Status.INVITED]
    waiting = [p for p in invited if p.email in unreached]
    answering = [p for p in invited if p.email not in unreached]
    actions = []
    if waiting:
        body.append(text(f"**Waiting to open Tandem** ({len(waiting)})", markdown=True))
        body.append(names(waiting))
        body.append(text("I can't message them until they open Tandem in Teams. Send them the link: they get their card "
                         "to join when they open it.", subtle=True))
        if app_link:
            actions.append(open_url("Open Tandem in Teams", app_link))
    if answering:
        body.append(text(f"**Has the card, not joined yet** ({len(answering)})", markdown=True))
        body.append(names(answering))
    body.append(text("Invite people with **invite @person as mentor** (or mentee, reserve), or **invite this team as mentees** "
                     "in a team channel, or send me a roster file. Then say **match** to see a proposal.", subtle=True, markdown=True))
    joined = sum(1 for p in participants if p.status is Status.JOINED)
    if programme.matching == "stable" and joined:
        body.append(text("After the launch day, say **open rankings** (or press the button) so everyone chooses whom "
                         "they'd like to be paired with.", subtle=True, markdown=True))
        actions.append(execute("Open rankings", verbs.RANKINGS_OPEN, {"programmeId": programme.id}))
    return card(body, actions)


def proposal_card(programme: Programme, method: Method | None, result: MatchResult, names: dict[str, str], digest: str,
                  note: str = "", warning: str = "", insisted: Sequence[str] = ()) -> dict[str, Any]:
    """The pairs Tandem proposes (or the manager chose: `method` None), with the reasons for each, and who
    is left unmatched and why."""
    def name(email: str) -> str:
        return who(names.get(email) or email)

    how = {Method.STABLE: "stable matching from everyone's choices", Method.SUGGESTED: "the best overall fit",
           None: "your choice"}[method]
    body = [heading(f"Proposed pairs for {programme.name}"),
            text(f"{len(result.pairs)} pair{'' if len(result.pairs) == 1 else 's'}, by {how}. Nobody is paired with their "
                 "line manager, someone they excluded or a former partner."), *_kind_note(programme)]
    if warning:
        body.append(text(warning, subtle=True))
    for pair in result.pairs[:SHOWN_PAIRS]:
        body.append(facts([(f"{name(pair.mentor)} and {name(pair.mentee)}", clean("; ".join(_first_things_first(pair.reasons)),
                                                                           REASONS_CHARS) or "an allowed pairing")]))
    if len(result.pairs) > SHOWN_PAIRS:
        body.append(text(f"...and {len(result.pairs) - SHOWN_PAIRS} more pairs.", subtle=True))
    if result.unmatched:
        body.append(text("**Not matched**", markdown=True))
        body.append(facts([(name(u.email), clean(u.reason, REASONS_CHARS)) for u in result.unmatched[:SHOWN_UNMATCHED]]))
        if len(result.unmatched) > SHOWN_UNMATCHED:
            body.append(text(f"...and {len(result.unmatched) - SHOWN_UNMATCHED} more not matched.", subtle=True))
    if note:
        return card([*body, done(note)])
    if method is None:  # the pairs themselves travel with the button, and are checked again when pressed
        publish = {"programmeId": programme.id, "digest": digest, "insisted": ";".join(insisted),
                   "pairs": pairs_text((p.mentor, p.mentee) for p in result.pairs)}
    else:
        publish = {"programmeId": programme.id, "method": method.value, "digest": digest}
    actions = [execute("Publish these pairs", verbs.MATCH_PUBLISH, publish, style="positive")] if result.pairs else []
    chosen = pairs_text((p.mentor, p.mentee) for p in result.pairs) if method is None else ""
    actions.append(execute("Change pairs", verbs.MATCH_CHANGE, {"programmeId": programme.id,
                                                                "method": method.value if method else "", "chosen": chosen}))
    return card(body, actions)


FIRST_REASONS = ("chosen by", "spans organisations")  # what a manager checks first, kept before the cut


def _first_things_first(reasons: Sequence[str]) -> list[str]:
    """Who chose the pair and (cross-sector) that it spans organisations first; the scores after."""
    return sorted(reasons, key=lambda r: not r.startswith(FIRST_REASONS))


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


def pairs_text(pairs: Iterable[tuple[str, str]]) -> str:
    """(mentor, mentee) emails as card data carries them: flat text, "mentor mentee;mentor mentee"."""
    return ";".join(f"{mentor} {mentee}" for mentor, mentee in pairs)


def pairs_from_text(value: object) -> list[tuple[str, str]]:
    """The pairs back from card data; ValueError if it isn't what `pairs_text` makes."""
    if not isinstance(value, str):
        raise ValueError("not text")
    pairs = []
    for item in filter(None, value.split(";")):
        mentor, mentee = item.split(" ")
        pairs.append((mentor, mentee))
    return pairs


def _problem(message: str) -> dict[str, Any]:
    """What to change, above the card sent back: a symbol, bold, and a colour that keeps 4.5:1 in every theme."""
    block = text(f"\u26a0 {message}", color="Accent")
    block["weight"] = "Bolder"
    return block


def _choice(title: str, value: str) -> dict[str, str]:
    return {"title": clean(title, MAX_CHOICE_TITLE), "value": value}


SPARE_BYTES = 1500  # kept free when lists are sized to the card: for the "not listed" line and the envelope


def _room(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> int:
    """Bytes left for choice lists on a card that has `body` and `actions` so far."""
    return CARD_BUDGET_BYTES - SPARE_BYTES - size_of({"type": "AdaptiveCard", "body": body, "actions": actions})


def _fitting(choices: list[dict[str, str]], room: int, keep: int = 0) -> list[dict[str, str]]:
    """As many of `choices` as fit in `room` bytes, in order (the first `keep` always)."""
    shown, used = [], 0
    for n, choice in enumerate(choices):
        used += size_of(choice) + 2
        if used > room and n >= keep:
            break
        shown.append(choice)
    return shown


def profile_card(programme: Programme, participant: Participant, others: Sequence[Participant],
                 entered: ProfileAnswers | None = None, problem: str = "", note: str = "", lead: str = "") -> dict[str, Any]:
    """Their profile in the programme, to fill in on joining and to change later (**my profile**).
    `entered`: what they sent, shown again with `problem` when it could not be saved. `lead`: what just
    happened (they joined), above the questions."""
    was = entered or ProfileAnswers(participant.job_title, participant.organisation, participant.focus_areas,
                                    participant.wants, str(participant.capacity), participant.availability,
                                    participant.exclude)
    body: list[dict[str, Any]] = [
        heading(f"Your profile in {programme.name}"),
        facts([("Taking part as", participant.role.value)]),
    ]
    if note:
        body.append(facts([("Your role", participant.job_title or "not given"),
                           ("Organisation", participant.organisation or "not given"),
                           ("Focus areas", ", ".join(participant.focus_areas) or "none chosen"),
                           ("Wants from mentoring", clean(participant.wants, REASONS_CHARS) or "not given"),
                           *([("Mentees you can take", str(participant.capacity))] if participant.role is not RosterRole.MENTEE else []),
                           ("When you're free", participant.availability or "not given"),
                           ("Not to be paired with", f"{len(participant.exclude)} people" if participant.exclude else "nobody")]))
        body.append(done(note))
        body.append(text("Say **my profile** to change it.", subtle=True, markdown=True))
        return card(body)
    if lead:
        body.append(done(lead))
    body.append(text("This helps your manager find you a good match. Only your programme managers see it; "
                     "your partner sees your name, role, organisation and focus areas."))
    if problem:
        body.append(_problem(problem))
    body.append({"type": "Input.Text", "id": "jobTitle", "label": "Your role at work", "value": without_hidden(was.job_title),
                 "placeholder": "Detective sergeant, data analyst ...", "maxLength": MAX_JOB_TITLE})
    if programme.organisations:
        picked_org = next((str(n) for n, o in enumerate(programme.organisations) if o.casefold() == was.organisation.casefold()), "")
        body.append({"type": "Input.ChoiceSet", "id": "organisation", "label": "Your organisation", "style": "compact",
                     "value": picked_org, "isRequired": True, "errorMessage": "Choose your organisation.", "wrap": True,
                     "choices": [_choice(o, str(n)) for n, o in enumerate(programme.organisations)]})
    else:
        body.append({"type": "Input.Text", "id": "organisation", "label": "Your organisation",
                     "value": without_hidden(was.organisation), "maxLength": MAX_JOB_TITLE})
    if programme.focus_areas:  # values are positions (short; and a focus area may hold a comma, which separates values)
        picked = [str(n) for n, area in enumerate(programme.focus_areas) if area in was.focus_areas]
        body.append({"type": "Input.ChoiceSet", "id": "focusAreas", "label": "Focus areas you'd like to work on",
                     "isMultiSelect": True, "style": "expanded", "value": ",".join(picked), "wrap": True,
                     "choices": [_choice(area, str(n)) for n, area in enumerate(programme.focus_areas)]})
    else:
        body.append({"type": "Input.Text", "id": "focusAreas", "label": "Focus areas, with a semicolon (;) between them",
                     "value": without_hidden("; ".join(was.focus_areas)), "maxLength": 500})
    body.append({"type": "Input.Text", "id": "wants", "label": "What you want from mentoring", "isMultiline": True,
                 "value": without_hidden(was.wants), "maxLength": MAX_WANTS})
    if participant.role is not RosterRole.MENTEE:
        body.append({"type": "Input.Number", "id": "capacity", "label": "How many mentees you can take", "min": 1,
                     "max": MAX_CAPACITY, "value": int(was.capacity) if str(was.capacity).isdigit() else 1})
    body.append({"type": "Input.Text", "id": "availability", "label": "When you're usually free",
                 "value": without_hidden(was.availability), "placeholder": "Tuesday and Thursday afternoons",
                 "maxLength": MAX_AVAILABILITY})
    body.append(text("Working shifts? Say **my shifts** in this chat to give your rota.", subtle=True, markdown=True))
    if participant.line_manager:
        body.append(text("You'll never be paired with your line manager.", subtle=True))
    actions = [execute("Save my profile", verbs.PROFILE_SAVE, {"programmeId": programme.id}, style="positive")]
    # the people they already excluded are listed first, so saving again never drops one
    ordered = sorted(others, key=lambda o: o.email not in was.exclude)[:SHOWN_EXCLUDE_CHOICES]
    shown = _fitting([_choice(who(o.name or o.email), o.email) for o in ordered], _room(body, actions) - 400)
    if shown:
        values = {c["value"] for c in shown}
        body.append({"type": "Input.ChoiceSet", "id": "exclude", "label": "People you must not be paired with",
                     "isMultiSelect": True, "style": "compact", "wrap": True,
                     "value": ",".join(e for e in was.exclude if e in values), "choices": shown})
    if len(others) > len(shown):
        body.append(text(f"{len(others) - len(shown)} more people aren't listed here: ask your manager if you must not "
                         "be paired with one of them.", subtle=True))
    return card(body, actions)


def ranking_card(programme: Programme, participant: Participant, others: Sequence[Participant],
                 chosen: Sequence[str] | None = None, problem: str = "", note: str = "") -> dict[str, Any]:
    """Launch-day choices: whom from the other side they'd most like to be paired with, in order."""
    side = "mentors" if participant.role is RosterRole.MENTEE else "mentees"
    picks = list(participant.ranking if chosen is None else chosen)
    names = {p.email: p.name or p.email for p in others}
    body: list[dict[str, Any]] = [heading(f"Your choices in {programme.name}")]
    if note:
        rows = [(ORDINALS[n], who(names.get(e, e))) for n, e in enumerate(picks[:MAX_RANKED])]
        body += [facts(rows) if rows else text("You chose nobody: anyone suitable may be proposed."), done(note)]
        return card(body)
    body.append(text(f"Which {side} you met would you most like to be paired with? Choose up to {MAX_RANKED}, "
                     "most wanted first. Your manager sees your choices; the others don't."))
    if problem:
        body.append(_problem(problem))
    actions = [execute("Save my choices", verbs.RANKING_SAVE, {"programmeId": programme.id}, style="positive")]
    places = min(MAX_RANKED, len(others))
    # the people already chosen first, so saving again keeps them; every list is the same, sized to the card
    ordered = sorted(others[:SHOWN_RANK_CHOICES], key=lambda p: p.email not in picks)
    shown = _fitting([_choice(who(p.name or p.email), p.email) for p in ordered], _room(body, actions) // max(places, 1) - 300)
    listed = {c["value"] for c in shown}
    for n in range(places):
        value = picks[n] if n < len(picks) else ""
        body.append({"type": "Input.ChoiceSet", "id": f"choice{n + 1}", "label": f"{ORDINALS[n]} choice", "style": "compact",
                     "value": value if value in listed else "", "wrap": True, "choices": shown})
    if len(others) > len(shown):
        body.append(text(f"{len(others) - len(shown)} more {side} aren't listed here: your manager can add your "
                         "choices from a roster file.", subtle=True))
    return card(body, actions)


def change_pairs_card(programme: Programme, rows: Sequence[Any], names: dict[str, str], capacity: dict[str, int],
                      problem: str = "") -> dict[str, Any]:
    """The manager chooses each waiting mentee's mentor (or nobody for now), from the mentors allowed for
    them. `rows` are bot.services.enrolment.ChangeRow: mentee, chosen, allowed, former."""
    def name(email: str) -> str:
        return who(names.get(email) or email)

    body: list[dict[str, Any]] = [
        heading(f"Choose pairs for {programme.name}"),
        text("Each list holds only the mentors allowed for that mentee: never their line manager or someone "
             "either excluded. A former partner needs \u201cI insist\u201d on that row."),
    ]
    if problem:
        body.append(_problem(problem))
    # rows while their labels take at most half the room; then each row's mentors sized to what is left
    def row_bytes(row: Any) -> int:
        return 2 * size_of(f"Mentor for {name(row.mentee)}") + 400

    room = _room(body, []) - 600
    shown, fixed = [], 0
    for row in rows[:SHOWN_CHANGE_ROWS]:
        if fixed + row_bytes(row) > room // 2:
            break
        shown.append(row)
        fixed += row_bytes(row)
    data = {"programmeId": programme.id, "rows": ";".join(row.mentee for row in shown)}
    actions = [execute("Check these pairs", verbs.MATCH_CHANGE_SAVE, data, style="positive")] if shown else []
    per_row = (_room(body, actions) - fixed) // max(len(shown), 1)
    for n, row in enumerate(shown):
        choices = _fitting([_choice("Nobody for now", NOBODY)] + [
            _choice(f"{name(m)} ({capacity.get(m, 1)} place{'s' if capacity.get(m, 1) != 1 else ''})"
                    + (", paired before" if m in row.former else ""), m) for m in row.allowed[:SHOWN_CHANGE_CHOICES]],
            per_row, keep=2 if row.chosen != NOBODY else 1)
        mentors = [c["value"] for c in choices[1:]]
        body.append({"type": "Input.ChoiceSet", "id": f"mentor{n}", "label": plain(f"Mentor for {name(row.mentee)}"),
                     "style": "compact", "value": row.chosen if row.chosen in mentors else NOBODY, "wrap": True,
                     "choices": choices})
        if any(m in row.former for m in mentors):
            body.append({"type": "Input.Toggle", "id": f"insist{n}", "label": plain(f"Pair {name(row.mentee)} again"),
                         "title": "I insist: pair them again with a former partner", "valueOn": "true", "valueOff": "false",
                         "value": "false"})
    if not rows:
        body.append(text("Nobody is waiting for a mentor: everyone who joined is paired, or no mentee has joined yet."))
    if len(rows) > len(shown):
        body.append(text(f"{len(rows) - len(shown)} more mentees aren't shown: publish these first, then say "
                         "**match** again, or for a large programme pair people in a roster file with the command line.",
                         subtle=True, markdown=True))
    return card(body, actions)
