"""What a dialog needs from the current turn: who is acting, and how to send a card."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity

from bot.services.context import Actor

ACTOR_KEY = "tandem.actor"
MAX_PREVIEW = 120


def actor_of(context: TurnContext) -> Actor:
    """Set by the Teams edge from the activity (Entra object id and tenant), never from card data."""
    return context.turn_state[ACTOR_KEY]


def preview_of(card: dict[str, Any]) -> str:
    """The card's first line of text: what the chat list and notifications show for a card."""
    for element in card.get("body", []):
        if element.get("type") == "TextBlock" and element.get("text"):
            return str(element["text"]).replace("**", "")[:MAX_PREVIEW]
    return "Tandem"


def card_activity(card: dict[str, Any], text: str = "") -> Activity:
    """One message: the line of text (if any) becomes the card's first block, and a summary gives the
    chat list and notifications a preview (they otherwise say "Sent a card"). The text goes inside the
    card rather than beside it because a client may show text and card as two bubbles (the Agents
    Playground does, and then gives the pair no activity id to update)."""
    if text:
        card = {**card, "body": [{"type": "TextBlock", "text": text, "wrap": True}, *card.get("body", [])]}
    activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    activity.summary = text.replace("**", "")[:MAX_PREVIEW] if text else preview_of(card)
    return activity


def card_activities(card: dict[str, Any], text: str = "") -> list[Activity]:
    """A card and its text as ONE activity (a text bubble followed by the same card reads as two messages)."""
    return [card_activity(card, text)]


async def send_card(context: TurnContext, card: dict[str, Any], text: str = "") -> None:
    await context.send_activities(card_activities(card, text))
