"""Proactive messages: the Teams implementation of the services' Messenger port."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationParameters, ConversationReference
from botframework.connector.models import ErrorResponseException

from bot.domain.people import Person
from bot.services.context import Message, Messenger, Unreachable
from dialogs.turn import card_activities

log = logging.getLogger(__name__)


def to_activities(message: Message) -> list[Activity]:
    if message.card is not None:
        return card_activities(message.card, message.text)
    return [MessageFactory.text(message.text)]


class TeamsMessenger(Messenger):
    """Continues the person's personal chat; if they have none yet, opens one (Teams allows this
    when the app is installed for them) and hands back its reference to keep."""

    def __init__(self, adapter: BotAdapter, app_id: str):
        self._adapter = adapter
        self._app_id = app_id

    async def send(self, person: Person, message: Message) -> dict[str, Any] | None:
        activities = to_activities(message)

        async def deliver(context: TurnContext) -> None:
            await context.send_activities(activities)

        try:
            if person.conversation:
                reference = ConversationReference().deserialize(person.conversation)
                await self._adapter.continue_conversation(reference, deliver, self._app_id)
                return None
            if person.contact:
                return await self._open_chat(person, person.contact, deliver)
        except ErrorResponseException as error:
            status = getattr(error.response, "status_code", None)
            if status in (403, 404):
                log.warning("person %s can't be reached (HTTP %s)", person.id, status)
                raise Unreachable(person.id) from error
            raise
        raise Unreachable(person.id)

    async def _open_chat(self, person: Person, contact: dict[str, Any], deliver) -> dict[str, Any]:
        bot = ChannelAccount(id=contact["bot"]["id"], name=contact["bot"].get("name"))
        user = ChannelAccount(id=contact["userId"], name=person.name, aad_object_id=person.aad_object_id)
        parameters = ConversationParameters(
            is_group=False, bot=bot, members=[user], tenant_id=contact["tenantId"],
            channel_data={"tenant": {"id": contact["tenantId"]}},
        )
        opened: dict[str, Any] = {}

        async def first_message(context: TurnContext) -> None:
            conversation_id = context.activity.conversation.id
            opened["reference"] = ConversationReference(
                channel_id=contact["channelId"], service_url=contact["serviceUrl"], bot=bot, user=user,
                conversation=ConversationAccount(id=conversation_id, conversation_type="personal", tenant_id=contact["tenantId"]),
            ).serialize()
            await deliver(context)

        await self._adapter.create_conversation(
            self._app_id, first_message, parameters, contact["channelId"], contact["serviceUrl"], None)
        return opened["reference"]
