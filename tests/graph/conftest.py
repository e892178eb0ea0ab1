"""The loopback Graph and a bot world whose calendar is Graph over it, shared by the Graph tests."""

from __future__ import annotations

import aiohttp
import pytest

from bot.graph import graph_calendar
from bot.settings import GraphAuth, GraphSettings
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World
from tests.support.fake_graph import FakeGraph, LoopbackHttpClient

SERVICE = "tandem@force.example"


@pytest.fixture
async def fake():
    graph = FakeGraph(tenant="tenant-1")
    await graph.start()
    yield graph
    await graph.stop()


@pytest.fixture
async def world(tmp_path, fake):
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    msal_http = LoopbackHttpClient(fake)
    async with aiohttp.ClientSession() as session:
        settings = GraphSettings(auth=GraphAuth.CLIENT_SECRET, base_url=fake.graph_url, tenant_id="tenant-1",
                                 client_id="app-1", client_secret="s3cret", organiser_mailbox=SERVICE, timeout_seconds=5)
        yield World(store, calendar=graph_calendar(settings, session, http_client=msal_http))
    msal_http.close()
    await store.close()
