"""Every card reads well for everyone: colours with enough contrast and never the only sign, a label on
every input, buttons that say what they do, and no more actions than Teams shows."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from cards.choices import MAX_ACTIONS, choice_card
from tests.cards.test_cards import examples

LOW_CONTRAST = {"Good", "Warning"}  # about 2:1 and 1.9:1 on Teams' light theme (WCAG AA needs 4.5:1)
VAGUE_TITLES = {"cancel", "ok", "yes", "no", "submit", "go", "click here"}


def all_cards() -> dict[str, dict[str, Any]]:
    cards = dict(examples())
    labels = ["Goals", "How often", "Length", "Format", "Contact between meetings", "Boundaries", "Confidentiality",
              "End date", "Review date", "Send it", "Discard"]
    cards["choice_menu"] = choice_card("Change a clause, or send it?", labels, "t", hint="Press a button.", finish=["Send it", "Discard"])
    cards["choice_buttons"] = choice_card("How often?", ["Fortnightly", "Monthly", "Every six weeks"], "t", hint="Press a button.")
    cards["choice_long_labels"] = choice_card("Which pairing?", ["Megan Bowen (your mentor, Reverse mentoring pilot)",
                                                                 "Adele Vance (your mentee, Reverse mentoring pilot)"], "t", hint="Press a button.")
    return cards


def elements(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value)


CARDS = all_cards()


def too_many_actions(card: dict[str, Any]) -> bool:
    """More than Teams shows in a row: the card's own actions, or any ActionSet's."""
    rows = [card.get("actions", [])] + [e["actions"] for e in elements(card.get("body", [])) if e["type"] == "ActionSet"]
    return any(len(row) > MAX_ACTIONS for row in rows)


def test_the_action_limit_check_fails_a_card_with_six_actions():
    six = {"type": "AdaptiveCard", "body": [], "actions": [{"type": "Action.Execute", "title": str(i)} for i in range(6)]}
    assert too_many_actions(six) and not too_many_actions({**six, "actions": six["actions"][:5]})
    in_a_set = {"type": "AdaptiveCard", "body": [{"type": "ActionSet", "actions": six["actions"]}]}
    assert too_many_actions(in_a_set)


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_card_has_more_actions_than_teams_shows(name):
    assert not too_many_actions(CARDS[name])


@pytest.mark.parametrize("name", sorted(CARDS))
def test_no_low_contrast_colours(name):
    assert not {e.get("color") for e in elements(CARDS[name])} & LOW_CONTRAST


@pytest.mark.parametrize("name", sorted(CARDS))
def test_every_input_has_a_label(name):
    inputs = [e for e in elements(CARDS[name]) if e["type"].startswith("Input.")]
    assert all(e.get("label") for e in inputs)


@pytest.mark.parametrize("name", sorted(CARDS))
def test_buttons_say_what_they_do(name):
    titles = [e["title"] for e in elements(CARDS[name]) if e["type"].startswith("Action.")]
    assert all(t.strip().lower() not in VAGUE_TITLES for t in titles)


def test_long_choices_are_listed_whole_not_cut_off_on_buttons():
    card = CARDS["choice_long_labels"]
    (listed,) = [e for e in elements(card) if e["type"] == "Input.ChoiceSet"]
    assert listed["wrap"] and all("Reverse mentoring pilot)" in c["title"] for c in listed["choices"])


def test_the_finishing_actions_come_first():
    assert [a["title"] for a in CARDS["choice_menu"]["actions"]][:2] == ["Send it", "Discard"]


def shown_text(card: dict[str, Any]) -> list[str]:
    return [str(e.get(k)) for e in elements(card) for k in ("text", "value", "title") if isinstance(e.get(k), str)]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_states_are_in_human_words_and_dates_in_one_format(name):
    import re

    for line in shown_text(CARDS[name]):
        assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", line), line  # dates read "Tue 10 Feb 2027"
        assert not re.search(r"^(in force|acknowledged|open|not held|proposed|confirmed)\b", line), line
        assert "in force;" not in line and ", in person" not in line and ", Teams call" not in line, line
