"""Proactive messages: the Teams implementation of the services' Messenger port."""

from __future__ import annotations

import logging

from botbuilder.core import BotAdapter, MessageFactory, TurnContext
from botbuilder.schema import Activity, ConversationReference
from botframework.connector.models import ErrorResponseException

from bot.domain.people import Person
from bot.services.context import Message, Messenger, Unreachable
from dialogs.turn import card_activity

log = logging.getLogger(__name__)


def to_activity(message: Message) -> Activity:
    if message.card is not None:
        return card_activity(message.card, message.text)
    return MessageFactory.text(message.text)


class TeamsMessenger(Messenger):
    def __init__(self, adapter: BotAdapter, app_id: str):
        self._adapter = adapter
        self._app_id = app_id

    async def send(self, person: Person, message: Message) -> None:
        if not person.conversation:
            raise Unreachable(person.id)
        reference = ConversationReference().deserialize(person.conversation)
        activity = to_activity(message)

        async def deliver(context: TurnContext) -> None:
            await context.send_activity(activity)

        try:
            await self._adapter.continue_conversation(reference, deliver, self._app_id)
        except ErrorResponseException as error:
            status = getattr(error.response, "status_code", None)
            if status in (403, 404):
                log.warning("person %s can't be reached (HTTP %s)", person.id, status)
                raise Unreachable(person.id) from error
            raise
