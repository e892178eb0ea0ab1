"""Cards for programmes and pairings: who your partner is and what to do next."""

from __future__ import annotations

from typing import Any

from bot.domain.people import Role
from bot.domain.programmes import DECLINE_WITHIN, Programme
from bot.domain.text import without_hidden
from bot.domain.uktime import format_day
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text, who
from cards.words import paired_note


def paired_card(pair_id: str, programme: Programme, role: Role, partner_name: str) -> dict[str, Any]:
    partner_name = who(partner_name, f"your {role.other.value}")
    if role is Role.MENTEE:
        next_step = (f"Next: draft your mentoring contract. You set 1 to 3 goals and {partner_name} accepts or proposes changes. "
                     "Say **contract** any time.")
        actions = [execute("Draft the contract", verbs.CONTRACT_DRAFT, {"pairId": pair_id}, style="positive")]
    else:
        next_step = (f"Next: {partner_name} drafts your mentoring contract and I'll bring it to you to accept or change. "
                     "You could say hello in the meantime.")
        actions = []
    actions.append(execute("Ask for a different match", verbs.MATCH_DECLINE, {"pairId": pair_id}))
    note = paired_note(programme.kind, role.value, partner_name)
    return card(
        [heading(f"You've been paired in {programme.name}"),
         facts([("Your role", role.value), (f"Your {role.other.value}", partner_name),
                ("Programme ends", format_day(programme.ends_on))]),
         *([text(note, markdown=True)] if note else []),
         text(next_step),
         text(f"Not the right match? You can ask for a different one in the first {DECLINE_WITHIN.days} days.", subtle=True)],
        actions,
    )


def programme_card(programme: Programme, pair_count: int) -> dict[str, Any]:
    return card([
        heading(programme.name),
        facts([("Runs", f"{format_day(programme.starts_on)} to {format_day(programme.ends_on)}"), ("Pairs", str(pair_count))]),
        text("Pair people with **pair @mentor @mentee**", subtle=True, markdown=True),
    ])


KIND_WORDS = {"traditional": "Traditional: an experienced mentor and a mentee",
              "reverse": "Reverse: the junior person mentors a senior one",
              "cross-sector": "Cross-sector: pairs span two or more organisations",
              "peer": "Peer: colleagues at a similar level", "group": "Group: one mentor, several mentees"}
MATCHING_WORDS = {"suggested": "Suggested by Tandem, for me to review", "stable": "Launch day: from everyone's choices",
                  "by hand": "By hand: I pair people myself"}


def taking_part_words(programme: Programme) -> str:
    others = len(programme.other_tenants)
    where = "its own organisation" + (f" and {others} other{'s' if others > 1 else ''}" if others else "")
    return where + (", guests too" if programme.guests else ", no guests")


def programme_settings_card(programme: Programme, note: str = "") -> dict[str, Any]:
    """The settings a manager edits from Teams: kind, how pairs are matched, focus areas, organisations, cadence."""
    body = [heading(f"Settings for {programme.name}"),
            facts([("Runs", f"{format_day(programme.starts_on)} to {format_day(programme.ends_on)}")])]
    if note:
        body.append(text(f"Kind: {KIND_WORDS.get(programme.kind, programme.kind)}. Matching: "
                         f"{MATCHING_WORDS.get(programme.matching, programme.matching)}. Meetings: {programme.cadence}. "
                         f"Who may take part: {taking_part_words(programme)}."))
        return card([*body, done(note)])

    def choices(id_: str, label: str, words: dict[str, str], value: str) -> dict[str, Any]:
        return {"type": "Input.ChoiceSet", "id": id_, "label": label, "style": "compact", "value": value, "isRequired": True,
                "errorMessage": "Choose one.", "wrap": True,
                "choices": [{"title": title, "value": key} for key, title in words.items()]}

    def box(id_: str, label: str, values: tuple[str, ...], placeholder: str) -> dict[str, Any]:
        return {"type": "Input.Text", "id": id_, "label": label, "value": without_hidden("; ".join(values)), "placeholder": placeholder,
                "maxLength": 2000}

    body += [
        choices("kind", "Kind of programme", KIND_WORDS, programme.kind),
        choices("matching", "How pairs are matched", MATCHING_WORDS, programme.matching),
        box("focusAreas", "Focus areas, with a semicolon (;) between them", programme.focus_areas, "knife crime; domestic abuse"),
        box("organisations", "Organisations taking part (;)", programme.organisations, "City of London Police; Fabrikam"),
        choices("cadence", "How often pairs meet, to start with", {c: c.capitalize() for c in ("fortnightly", "monthly", "every six weeks")},
                programme.cadence),
        box("otherTenants", "Other organisations who may take part: their Microsoft Entra tenant ids (;)", programme.other_tenants,
            "72f988bf-86f1-41af-91ab-2d7cd011db47"),
        {"type": "Input.Toggle", "id": "guests", "label": "Guest accounts", "title": "Guest accounts may take part",
         "value": "true" if programme.guests else "false", "valueOn": "true", "valueOff": "false", "wrap": True},
    ]
    return card(body, [execute("Save settings", verbs.PROGRAMME_SAVE, {"programmeId": programme.id}, style="positive")])
