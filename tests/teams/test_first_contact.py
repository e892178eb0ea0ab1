"""Opening a first personal chat: the creation and the message are separate rate-limited calls, never one
inside the other, so a burst of first contacts in one tenant can't hold every delivery slot and deadlock."""

from __future__ import annotations

import asyncio

import pytest
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.domain.people import Person
from bot.services.context import Message
from bot.settings import BotCredentials
from bot.teams.delivery import DeliveryPolicy, Limits
from bot.teams.messenger import TeamsMessenger
from tests.support.connector import FaultyConnector

TENANT = "tenant-1"


def stranger(n: int, connector: FaultyConnector) -> Person:
    """Someone whose app was installed (so Tandem may open a chat) but who never messaged Tandem."""
    return Person(id=f"{TENANT}:aad-{n}", tenant_id=TENANT, aad_object_id=f"aad-{n}", name=f"Officer {n}",
                  contact={"bot": {"id": "28:tandem"}, "userId": f"29:user-{n}", "tenantId": TENANT,
                           "channelId": "msteams", "serviceUrl": connector.service_url})


async def test_sixteen_first_contacts_at_once_in_one_tenant_all_arrive_once(connector):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    limits = Limits(base_backoff=0.01)
    messenger = TeamsMessenger(adapter, "", DeliveryPolicy(limits))
    people = [stranger(n, connector) for n in range(limits.in_flight_per_tenant)]
    connector.delay = 0.05  # each request takes a moment, so all sixteen creations are in flight together
    deliveries = await asyncio.wait_for(
        asyncio.gather(*(messenger.send(p, Message(text=f"Welcome, {p.name}")) for p in people)), timeout=30)
    for person, delivery in zip(people, deliveries):
        chat = f"personal-{person.contact['userId']}"
        assert delivery.conversation["conversation"]["id"] == chat and delivery.activity_id
        (received,) = connector.to(chat)
        assert received.activity["text"] == f"Welcome, {person.name}"


async def test_a_throttled_first_contact_is_retried_without_sending_its_message_twice(connector):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    messenger = TeamsMessenger(adapter, "", DeliveryPolicy(Limits(base_backoff=0.01)))
    person = stranger(99, connector)
    connector.throttle, connector.retry_after_seconds = 2, 0.05  # the creation is throttled twice, then the send is not
    await messenger.send(person, Message(text="Hello"))
    (received,) = connector.to(f"personal-{person.contact['userId']}")
    assert received.activity["text"] == "Hello"
