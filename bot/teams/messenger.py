"""Proactive messages: the Teams implementation of the services' Messenger port."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from botbuilder.core import BotAdapter, CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationParameters, ConversationReference
from botframework.connector.models import ErrorResponseException

from bot.domain.people import Person
from bot.services.context import Delivery, Message, Messenger, Unreachable
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

    async def send(self, person: Person, message: Message) -> Delivery:
        if person.conversation:
            return await self.post(person.conversation, message)
        if person.contact:
            return await self._open_chat(person, person.contact, message)
        raise Unreachable(person.id)

    async def post(self, conversation: dict[str, Any], message: Message) -> Delivery:
        reference = ConversationReference().deserialize(conversation)
        ids: list[str] = []

        async def deliver(context: TurnContext) -> None:
            responses = await context.send_activities(to_activities(message))
            ids.extend(r.id for r in responses if r is not None and r.id)

        await self._continue(reference, deliver)
        return Delivery(conversation, ids[-1] if ids else "")

    async def update(self, delivery: Delivery, card: dict[str, Any]) -> None:
        reference = ConversationReference().deserialize(delivery.conversation)

        async def replace_card(context: TurnContext) -> None:
            activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
            activity.id = delivery.activity_id
            await context.update_activity(activity)

        await self._continue(reference, replace_card)

    async def _continue(self, reference: ConversationReference, logic: Callable[[TurnContext], Awaitable[None]]) -> None:
        try:
            await self._adapter.continue_conversation(reference, logic, self._app_id)
        except ErrorResponseException as error:
            status = getattr(error.response, "status_code", None)
            if status in (403, 404):
                log.warning("conversation %s can't be reached (HTTP %s)", reference.conversation.id, status)
                raise Unreachable(reference.conversation.id) from error
            raise

    async def _open_chat(self, person: Person, contact: dict[str, Any], message: Message) -> Delivery:
        bot = ChannelAccount(id=contact["bot"]["id"], name=contact["bot"].get("name"))
        user = ChannelAccount(id=contact["userId"], name=person.name, aad_object_id=person.aad_object_id)
        parameters = ConversationParameters(
            is_group=False, bot=bot, members=[user], tenant_id=contact["tenantId"],
            channel_data={"tenant": {"id": contact["tenantId"]}},
        )
        opened: dict[str, Any] = {}

        async def first_message(context: TurnContext) -> None:
            opened["reference"] = ConversationReference(
                channel_id=contact["channelId"], service_url=contact["serviceUrl"], bot=bot, user=user,
                conversation=ConversationAccount(id=context.activity.conversation.id, conversation_type="personal",
                                                 tenant_id=contact["tenantId"]),
            ).serialize()
            responses = await context.send_activities(to_activities(message))
            opened["id"] = next((r.id for r in reversed(responses) if r is not None and r.id), "")

        try:
            await self._adapter.create_conversation(
                self._app_id, first_message, parameters, contact["channelId"], contact["serviceUrl"], None)
        except ErrorResponseException as error:
            if getattr(error.response, "status_code", None) in (403, 404):
                raise Unreachable(person.id) from error
            raise
        return Delivery(opened["reference"], opened["id"])
