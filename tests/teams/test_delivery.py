"""Delivery to Teams through the real adapter and messenger, against a fault-injecting connector on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.domain.alerts import AlertKind
from bot.services.context import Message, Repositories, ServiceContext, Unreachable
from bot.services.registry import Services
from bot.settings import BotCredentials
from bot.storage.metered import MeteredStore
from bot.teams.delivery import DeliveryPolicy, Limits
from bot.teams.messenger import TeamsMessenger
from tests.dialogs.harness import World, user
from tests.support.connector import FaultyConnector

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


@pytest.fixture
async def teams_world(world, connector):
    """The world, but messages really go through CloudAdapter to the loopback connector."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    messenger = TeamsMessenger(adapter, "", DeliveryPolicy(Limits(base_backoff=0.01, max_attempts=20)))
    world.messenger = messenger
    world.services = Services.build(ServiceContext(Repositories.over(world.store), messenger, world.clock,
                                                   admins=world.services.ctx.admins))
    world.connector = connector
    return world


def reference(connector: FaultyConnector, conversation_id: str) -> dict:
    return {"channelId": "msteams", "serviceUrl": connector.service_url, "bot": {"id": "28:tandem"},
            "user": {"id": "29:x"}, "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": "tenant-1"}}


async def pair_in_teams(world: World) -> str:
    programme = await world.programme(MANAGER, "Pilot")  # before anyone has a chat: the appointment is a notice
    for person in (MANAGER, MENTOR, MENTEE):
        await world.services.pairs.register(person, reference(world.connector, f"chat-{person.aad_object_id}"))
    pair = await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, MENTEE)
    return pair.id


async def test_a_429_storm_delivers_everything_once_honouring_retry_after(teams_world, connector):
    connector.throttle, connector.retry_after_seconds = 12, 0.05
    await pair_in_teams(teams_world)  # the pairing notice: one message (text, card and summary) for each of two people
    for person in (MENTOR, MENTEE):
        (received,) = connector.to(f"chat-{person.aad_object_id}")
        assert received.activity.get("summary") and "paired" in received.activity["attachments"][0]["content"]["body"][0]["text"]
    assert teams_world.messenger.policy.retries == 12 and connector.attempts == 12 + 2


async def test_5xx_and_412_back_off_and_then_deliver_once(teams_world, connector):
    await pair_in_teams(teams_world)
    connector.received.clear()
    connector.failures = [503, 502, 504, 412]
    person = await teams_world.services.ctx.repos.people.get(MENTEE.id)
    await teams_world.messenger.send(person, Message(text="Reminder: your session is tomorrow."))
    assert [r.activity["text"] for r in connector.received] == ["Reminder: your session is tomorrow."]


async def test_a_blocked_person_is_marked_unreachable_and_the_manager_told_without_a_retry_loop(teams_world, connector):
    pair_id = await pair_in_teams(teams_world)
    connector.blocked.add(f"chat-{MENTEE.aad_object_id}")
    before = connector.attempts
    delivered = await teams_world.services.ctx.notify(MENTEE.id, Message(text="Did your session happen?"))
    assert delivered is None and connector.attempts == before + 1  # one try, no loop
    assert (await teams_world.services.ctx.repos.people.get(MENTEE.id)).unreachable_since is not None
    teams_world.clock.advance(timedelta(minutes=3))  # the re-check falls due two minutes on
    await teams_world.services.due_work.sweep()
    pair = await teams_world.services.ctx.repos.pairs.get(pair_id)
    alerts = await teams_world.services.ctx.repos.alerts.in_programme(pair.programme_id)
    assert any(a.kind is AlertKind.DRIFT and "can't be reached" in a.reason for a in alerts)
    assert connector.to(f"chat-{MANAGER.aad_object_id}")  # the alert reached the manager
    attempts = connector.attempts
    await teams_world.services.ctx.notify(MENTEE.id, Message(text="again"))
    assert connector.attempts == attempts  # not tried again until they come back
    await teams_world.services.pairs.register(MENTEE, reference(connector, "chat-new"))
    assert (await teams_world.services.ctx.repos.people.get(MENTEE.id)).unreachable_since is None


async def test_no_conversation_ever_gets_more_than_seven_messages_in_any_second(teams_world, connector):
    await pair_in_teams(teams_world)
    connector.received.clear()
    person = await teams_world.services.ctx.repos.people.get(MENTOR.id)
    for n in range(16):
        await teams_world.messenger.send(person, Message(text=f"message {n}"))
    times = [r.at for r in connector.received]
    assert len(times) == 16
    assert max(sum(1 for u in times if t <= u < t + 1.0) for t in times) <= 7


async def test_in_local_mode_a_stored_reference_without_a_service_url_is_sent_to_the_configured_one(connector):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    kept = {"channelId": "msteams", "bot": {"id": "28:tandem"}, "user": {"id": "29:x"},
            "conversation": {"id": "chat-local", "conversationType": "personal", "tenantId": "tenant-1"}}  # no serviceUrl
    local = TeamsMessenger(adapter, "", service_url=connector.service_url)
    await local.post(kept, Message(text="hello"))
    assert [r.activity.get("text") for r in connector.to("chat-local")] == ["hello"]
    with pytest.raises(Unreachable):  # without one configured there is nowhere safe to send it
        await TeamsMessenger(adapter, "").post(kept, Message(text="lost"))
