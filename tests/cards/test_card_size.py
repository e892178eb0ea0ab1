"""No card Tandem sends can exceed Teams' message size: every builder, at the largest allowed values."""

from __future__ import annotations

import pytest

from bot.domain.limits import CARD_BUDGET_BYTES
from cards.adaptive import NOT_SHOWN, card, size_of, text
from tests.cards.largest import card_builders, largest_cards

FILLS = {
    "letters": lambda n: ("Lorem ipsum dolor sit amet " * (n // 27 + 1))[:n],
    "markdown": lambda n: "*" * n,  # every character escaped: twice as long, three bytes in JSON
    "emoji": lambda n: "\U0001F46E" * n,  # police officer: twelve bytes each as the connector sends it
}


def test_every_card_builder_is_covered():
    assert card_builders() == set(largest_cards(FILLS["letters"]))


@pytest.mark.parametrize("fill", sorted(FILLS))
def test_every_card_at_its_largest_is_under_the_budget(fill):
    over = {}
    for builder, made in largest_cards(FILLS[fill]).items():
        for i, content in enumerate(made):
            if size_of(content) > CARD_BUDGET_BYTES:
                over[f"{builder}[{i}]"] = size_of(content)
    assert over == {}


def test_ordinary_text_at_its_limits_fits_without_cutting_anything():
    """The caps on lists keep cards small; cutting text is only the backstop for the worst encodings."""
    for builder, made in largest_cards(FILLS["letters"]).items():
        for content in made:
            assert NOT_SHOWN not in str(content), builder


def test_lists_that_grow_with_use_say_how_many_more_there_are():
    made = largest_cards(FILLS["letters"])
    assert "earlier versions" in str(made["contract.contract_history_card"][0])
    assert "earlier reflections" in str(made["reflection.reflections_list_card"][0])
    assert "earlier shared reflections" in str(made["reflection.reflections_list_card"][0])
    assert "more" in str(made["session.sessions_card"][0])
    assert "more pairs" in str(made["alerts.status_card"][0])
    assert "earlier steps" in str(made["alerts.alert_card"][1])


def test_a_card_over_the_budget_is_cut_to_fit_and_says_so():
    content = card([text("\U0001F46E" * 5000), text("\U0001F46E" * 5000)])
    assert size_of(content) <= CARD_BUDGET_BYTES
    assert content["body"][-1]["text"] == NOT_SHOWN


def test_cutting_a_card_to_fit_keeps_its_inputs_and_heading():
    content = card([text("Heading"), *[text("\U0001F46E" * 61) for _ in range(200)],
                    {"type": "Input.Text", "id": "note"}])
    assert size_of(content) <= CARD_BUDGET_BYTES
    assert content["body"][0]["text"] == "Heading" and content["body"][-1] == {"type": "Input.Text", "id": "note"}
    assert content["body"][-2]["text"] == NOT_SHOWN


def test_every_alert_card_keeps_its_note_box_however_long_its_text():
    from tests.cards.largest import largest_cards as made
    for fill in FILLS.values():
        for content in made(fill)["alerts.alert_card"]:
            if content.get("actions"):
                assert any(e.get("id") == "note" for e in content["body"])
