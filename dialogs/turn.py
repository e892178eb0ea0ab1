"""What a dialog needs from the current turn: who is acting, where, and how to send a card."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity

from bot.services.authority import Place, PlaceKind
from bot.services.context import Actor

ACTOR_KEY = "tandem.actor"
KEEP_SERVICE_URL_KEY = "tandem.keep_service_url"  # False for unauthenticated (local mode) activities
TEAMS_CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0?users="
TEAMS_APP_LINK = "https://teams.microsoft.com/l/app/"
TEAMS_APP_ID_KEY = "tandem.teams_app_id"  # the Teams app's id (TANDEM_TEAMS_APP_ID), set by the edge each turn
MAX_PREVIEW = 120


def actor_of(context: TurnContext) -> Actor:
    """Set by the Teams edge from the activity (Entra object id and tenant), never from card data."""
    return context.turn_state[ACTOR_KEY]


def place_of(activity: Activity) -> Place:
    """The kind of conversation (personal, group chat, channel), its id and its team, from the activity."""
    conversation = activity.conversation
    kind_text = (conversation.conversation_type if conversation else None) or "personal"
    kind = {"personal": PlaceKind.PERSONAL, "channel": PlaceKind.CHANNEL}.get(kind_text, PlaceKind.GROUP_CHAT)
    team = (activity.channel_data or {}).get("team") if isinstance(activity.channel_data, dict) else None
    team_id = team.get("id", "") if isinstance(team, dict) and isinstance(team.get("id"), str) else ""
    return Place(kind, conversation.id if conversation and conversation.id else "", team_id)


def stored_reference(context: TurnContext) -> dict[str, Any]:
    """The conversation reference to keep for proactive messages. From an unauthenticated activity its
    serviceUrl is not kept: proactive messages then go to the configured local service URL only."""
    reference = TurnContext.get_conversation_reference(context.activity).serialize()
    if not context.turn_state.get(KEEP_SERVICE_URL_KEY, True):
        reference.pop("serviceUrl", None)
    return reference


def personal_chat_link(activity: Activity) -> str:
    """A Teams deep link to this person's 1:1 chat with the bot (the bot's id is 28:<MicrosoftAppId>)."""
    bot_id = activity.recipient.id if activity.recipient and activity.recipient.id else ""
    return TEAMS_CHAT_LINK + quote(bot_id if bot_id.startswith("28:") else f"28:{bot_id}", safe=":")


def app_link(context: TurnContext) -> str:
    """A Teams deep link that opens (or offers to add) Tandem: TANDEM_TEAMS_APP_ID, else the bot's own id,
    which the app package uses as its app id."""
    app_id = context.turn_state.get(TEAMS_APP_ID_KEY) or ""
    if not app_id:
        recipient = context.activity.recipient.id if context.activity.recipient and context.activity.recipient.id else ""
        app_id = recipient.removeprefix("28:")
    return TEAMS_APP_LINK + quote(app_id, safe="") if app_id else ""


def only_in_personal_chat(activity: Activity, why: str) -> str:
    """What to say when a private step is asked for in a group chat or channel: why, and where instead."""
    return f"{why} [Open our personal chat]({personal_chat_link(activity)}) and ask me there."
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
