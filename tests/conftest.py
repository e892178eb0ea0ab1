"""Fixtures shared across test folders."""

from __future__ import annotations

import pytest

from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World
from tests.support.faulty_store import FaultyStore


@pytest.fixture
async def world(tmp_path):
    """The real bot and services over a fresh embedded store, a manual clock and a recording messenger."""
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    yield World(store)
    await store.close()


@pytest.fixture
async def faulty(tmp_path):
    """A fresh embedded store behind the fault-injecting wrapper: a test injects the faults it needs."""
    store = FaultyStore(await SqliteDocumentStore.open(tmp_path / "faults.sqlite3"))
    yield store
    await store.close()
