"""Proactive messages: the Teams implementation of the services' Messenger port."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from botbuilder.core import BotAdapter, CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationParameters, ConversationReference

from bot.domain.people import Person
from bot.services.context import Delivery, Message, Messenger, Unreachable
from bot.teams.delivery import DeliveryPolicy
from dialogs.turn import card_activities

log = logging.getLogger(__name__)


def to_activities(message: Message) -> list[Activity]:
    if message.card is not None:
        return card_activities(message.card, message.text)
    return [MessageFactory.text(message.text)]


class TeamsMessenger(Messenger):
    """Continues the person's personal chat; if they have none yet, opens one (Teams allows this
    when the app is installed for them) and hands back its reference to keep."""

    def __init__(self, adapter: BotAdapter, app_id: str, policy: DeliveryPolicy | None = None, service_url: str = ""):
        """`service_url`, in local mode only: where every proactive message goes, since references kept
        from unauthenticated activities carry no serviceUrl of their own."""
        self._adapter = adapter
        self._app_id = app_id
        self.policy = policy or DeliveryPolicy()
        self._service_url = service_url

    def _reference(self, conversation: dict[str, Any]) -> ConversationReference:
        reference = ConversationReference().deserialize(conversation)
        if self._service_url:
            reference.service_url = self._service_url
        if not reference.service_url:
            raise Unreachable("no service URL to reach this conversation")
        return reference

    async def send(self, person: Person, message: Message) -> Delivery:
        if person.conversation:
            return await self.post(person.conversation, message)
        if person.contact:
            return await self._open_chat(person, person.contact, message)
        raise Unreachable(person.id)

    async def post(self, conversation: dict[str, Any], message: Message) -> Delivery:
        reference = self._reference(conversation)
        ids: list[str] = []

        async def deliver(context: TurnContext) -> None:
            ids.extend(await self._send_each(context, reference, to_activities(message)))

        await self._continue(reference, deliver)
        return Delivery(conversation, ids[-1] if ids else "")

    async def _send_each(self, context: TurnContext, reference: ConversationReference, activities: list[Activity]) -> list[str]:
        """Each part is its own request, retried on its own: a retry never repeats a part that arrived."""
        ids = []
        tenant = reference.conversation.tenant_id or ""
        for activity in activities:
            response = await self.policy.call(reference.conversation.id, tenant, lambda a=activity: context.send_activity(a))
            if response is not None and response.id:
                ids.append(response.id)
        return ids

    async def update(self, delivery: Delivery, card: dict[str, Any]) -> None:
        reference = self._reference(delivery.conversation)

        async def replace_card(context: TurnContext) -> None:
            activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
            activity.id = delivery.activity_id
            await self.policy.call(reference.conversation.id, reference.conversation.tenant_id or "",
                                   lambda: context.update_activity(activity))

        await self._continue(reference, replace_card)

    async def _continue(self, reference: ConversationReference, logic: Callable[[TurnContext], Awaitable[None]]) -> None:
        try:
            await self._adapter.continue_conversation(reference, logic, self._app_id)
        except Unreachable:
            log.warning("conversation %s can't be reached: the app was removed or blocked", reference.conversation.id)
            raise

    async def _open_chat(self, person: Person, contact: dict[str, Any], message: Message) -> Delivery:
        service_url = self._service_url or contact.get("serviceUrl") or ""
        if not service_url:
            raise Unreachable(person.id)
        bot = ChannelAccount(id=contact["bot"]["id"], name=contact["bot"].get("name"))
        user = ChannelAccount(id=contact["userId"], name=person.name, aad_object_id=person.aad_object_id)
        parameters = ConversationParameters(
            is_group=False, bot=bot, members=[user], tenant_id=contact["tenantId"],
            channel_data={"tenant": {"id": contact["tenantId"]}},
        )
        opened: dict[str, Any] = {}

        async def keep_reference(context: TurnContext) -> None:
            # Only note the new chat here: sending from inside this callback would wait for a delivery slot
            # while create_conversation holds one, and 16 first contacts in a tenant would hold them all.
            opened["reference"] = ConversationReference(
                channel_id=contact["channelId"], service_url="" if self._service_url else service_url, bot=bot, user=user,
                conversation=ConversationAccount(id=context.activity.conversation.id, conversation_type="personal",
                                                 tenant_id=contact["tenantId"]),
            ).serialize()

        await self.policy.call(f"new:{person.id}", contact["tenantId"], lambda: self._adapter.create_conversation(
            self._app_id, keep_reference, parameters, contact["channelId"], service_url, None))
        # Then send as to any known chat, each part its own request: retrying the creation never repeats a part.
        return await self.post(opened["reference"], message)
