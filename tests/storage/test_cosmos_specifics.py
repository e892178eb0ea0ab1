"""What only the Cosmos DB engine does: throttling and retries, retention settings, keys kept secret."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timezone

import pytest

from bot.domain.due import REMINDER, DueItem
from bot.services.context import Repositories
from bot.settings import Settings
from bot.storage.cosmos_store import DEFAULT_TTL_SECONDS, CosmosDocumentStore, CosmosSettings
from bot.storage.documents import BOT_STATE, CONTAINERS, DUE, StoreBusy, StoreTimeout
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World, text_of, user
from tests.support.cosmos_emulator import CosmosEmulator

KEY = "c2VjcmV0LWtleS1kby1ub3QtbG9n"


@pytest.fixture
async def emulator(tmp_path):
    emulator = CosmosEmulator(tmp_path)
    await emulator.start()
    yield emulator
    await emulator.stop()


async def open_cosmos(emulator: CosmosEmulator, retries: int = 9) -> CosmosDocumentStore:
    return await CosmosDocumentStore.open(CosmosSettings(
        endpoint=emulator.endpoint, database=f"t{uuid.uuid4().hex[:10]}", key=KEY,
        max_throttle_retries=retries, max_throttle_wait_seconds=5))


async def test_429s_are_retried_as_the_sdk_does_and_the_write_lands(emulator):
    store = await open_cosmos(emulator)
    try:
        emulator.faults.throttle = 3
        await store.create("pairs", "p1", "pair", {"v": 1})
        assert emulator.faults.seen == 3
        assert (await store.read("pairs", "p1", "pair")).body == {"v": 1}
    finally:
        await store.close()


async def test_when_throttling_outlasts_the_retries_the_store_says_busy_and_writes_nothing(emulator):
    store = await open_cosmos(emulator, retries=2)
    try:
        first = await store.create("pairs", "p1", "pair", {"v": 1})
        emulator.faults.throttle = 50
        with pytest.raises(StoreBusy):
            await store.replace("pairs", "p1", "pair", {"v": 2}, if_match=first.etag)
        emulator.faults.throttle = 0
        assert (await store.read("pairs", "p1", "pair")).body == {"v": 1}
    finally:
        await store.close()


async def test_a_person_gets_a_kind_try_again_and_can_carry_on_when_the_store_recovers(emulator):
    store = await open_cosmos(emulator, retries=1)
    world = World(store)
    manager, mentor, mentee = user("Manager"), user("Megan"), user("Adele")
    try:
        pair_id = await world.pair(manager, mentor, mentee)
        chat = world.chat(mentee)
        emulator.faults.throttle = 1000
        replies = text_of(await chat.say("contract"))
        assert "try again in a minute" in replies and "Traceback" not in replies
        emulator.faults.throttle = 0
        assert "your goals" in text_of(await chat.say("contract"))
        assert (await world.services.ctx.repos.pairs.contract(pair_id)).versions == ()
    finally:
        await store.close()


async def test_containers_carry_a_default_ttl_by_retention_policy(emulator):
    store = await open_cosmos(emulator)
    try:
        for name in CONTAINERS:
            assert await store.container_ttl(name) == DEFAULT_TTL_SECONDS[name]
        assert DEFAULT_TTL_SECONDS[BOT_STATE] == 30 * 24 * 3600
        # Work may fall due further ahead than any default would keep it (a session booked a year out):
        # the due container expires only what carries its own ttl (finished work).
        assert DEFAULT_TTL_SECONDS[DUE] == -1
    finally:
        await store.close()


async def test_a_reminder_for_a_session_a_year_ahead_is_stored_without_an_expiry(emulator):
    store = await open_cosmos(emulator)
    try:
        repos = Repositories.over(store)
        item = DueItem(REMINDER, datetime(2028, 3, 1, 9, tzinfo=timezone.utc), "pair-1", "s1", detail="1440")
        await repos.due.schedule(item)
        raw = await store._containers[DUE].read_item(item.id, partition_key=item.bucket)
        assert "ttl" not in raw and "ttl" not in raw["body"]
    finally:
        await store.close()


async def test_an_item_carries_its_own_ttl_where_policy_sets_one(emulator):
    store = await open_cosmos(emulator)
    try:
        await store.create(DUE, "2027-01-20T14", "done", {"state": "done", "ttl": 3600})
        raw = await store._containers[DUE].read_item("done", partition_key="2027-01-20T14")
        assert raw["ttl"] == 3600
    finally:
        await store.close()


def test_the_cosmos_key_never_appears_in_settings_or_logs(caplog):
    settings = Settings.from_env({"TANDEM_COSMOS_ENDPOINT": "https://x.documents.azure.com:443/", "TANDEM_COSMOS_KEY": KEY})
    cosmos = CosmosSettings(endpoint=settings.cosmos_endpoint, key=settings.cosmos_key)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("tandem").info("config %r %r %s", settings, cosmos, settings.store_description)
    assert KEY not in caplog.text and KEY not in repr(settings) and KEY not in repr(cosmos)
    assert "(key)" in settings.store_description


def test_without_a_key_cosmos_uses_entra_id():
    settings = Settings.from_env({"TANDEM_COSMOS_ENDPOINT": "https://x.documents.azure.com:443/",
                                  "TANDEM_COSMOS_IDENTITY_CLIENT_ID": "11111111-2222-3333-4444-555555555555"})
    assert "Entra ID" in settings.store_description and settings.cosmos_key == ""


def test_credential_is_the_key_locally_and_a_managed_identity_in_azure():
    from azure.identity.aio import DefaultAzureCredential, ManagedIdentityCredential

    from bot.storage.cosmos_store import credential_for

    assert credential_for(CosmosSettings(endpoint="https://x", key=KEY)) == KEY
    assert isinstance(credential_for(CosmosSettings(endpoint="https://x", managed_identity_client_id="abc")), ManagedIdentityCredential)
    assert isinstance(credential_for(CosmosSettings(endpoint="https://x")), DefaultAzureCredential)


async def test_a_store_that_stops_answering_gives_up_within_the_call_budget(emulator):
    store = await CosmosDocumentStore.open(CosmosSettings(
        endpoint=emulator.endpoint, database=f"t{uuid.uuid4().hex[:10]}", key=KEY, call_budget_seconds=2.0))
    try:
        await store.create("pairs", "p1", "pair", {"v": 1})
        emulator.faults.hang_seconds = 30
        started = asyncio.get_running_loop().time()
        with pytest.raises(StoreTimeout):
            await store.read("pairs", "p1", "pair")
        waited = asyncio.get_running_loop().time() - started
        print(f"\nstore silent for 30 s: gave up after {waited:.1f} s (budget 2 s)")
        assert waited < 5  # SDK defaults held a turn for minutes; a Teams turn has 15 s
    finally:
        emulator.faults.hang_seconds = 0
        await store.close()
