"""What a dialog needs from the current turn: who is acting, and how to send a card."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity

from bot.services.context import Actor

ACTOR_KEY = "tandem.actor"


def actor_of(context: TurnContext) -> Actor:
    """Set by the Teams edge from the activity (Entra object id and tenant), never from card data."""
    return context.turn_state[ACTOR_KEY]


def card_activities(card: dict[str, Any], text: str = "") -> list[Activity]:
    """A line of text (if any) and then the card, as two messages: each can be answered on its own."""
    activities = [MessageFactory.text(text)] if text else []
    return activities + [MessageFactory.attachment(CardFactory.adaptive_card(card))]


async def send_card(context: TurnContext, card: dict[str, Any], text: str = "") -> None:
    await context.send_activities(card_activities(card, text))
