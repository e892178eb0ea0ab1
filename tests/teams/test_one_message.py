"""A card and its line of text arrive as one message, with a summary for the chat list and notifications."""

from __future__ import annotations

from bot.services.context import Message
from bot.teams.messenger import to_activities
from cards.adaptive import card, heading, text
from dialogs.turn import card_activities

CARD = card([heading("Mentoring contract, version 1"), text("Goals: ...")])


def test_a_proactive_card_with_text_is_one_activity_the_text_first_in_the_card_and_as_summary():
    (activity,) = to_activities(Message(text="Adele Vance proposed version 1 of your contract.", card=CARD))
    (attachment,) = activity.attachments
    assert attachment.content["body"] == [{"type": "TextBlock", "text": "Adele Vance proposed version 1 of your contract.", "wrap": True},
                                          *CARD["body"]]
    assert activity.summary == "Adele Vance proposed version 1 of your contract." and not activity.text
    assert len(CARD["body"]) == 2  # the builder's card itself is left as it was


def test_a_card_on_its_own_is_previewed_by_its_first_line_not_sent_a_card():
    (activity,) = card_activities(CARD)
    assert not activity.text and activity.summary == "Mentoring contract, version 1"


def test_bold_markers_do_not_leak_into_the_preview():
    (activity,) = card_activities(card([text("**Created** Pilot")]), "Created **Pilot**.")
    assert activity.summary == "Created Pilot."
