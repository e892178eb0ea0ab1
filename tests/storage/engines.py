"""Every DocumentStore engine the contract suite runs against. A new engine is one more entry."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable

from bot.storage.cosmos_store import CosmosDocumentStore, CosmosSettings
from bot.storage.documents import DocumentStore
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.support.cosmos_emulator import CosmosEmulator

Opener = Callable[[], Awaitable[DocumentStore]]


async def sqlite_engine(tmp_path: Path) -> AsyncIterator[Opener]:
    """Yields an opener, so a test can close the store and open the same data again."""
    path = tmp_path / "tandem.sqlite3"

    async def open_store() -> DocumentStore:
        return await SqliteDocumentStore.open(path)

    yield open_store


async def cosmos_engine(tmp_path: Path) -> AsyncIterator[Opener]:
    """Cosmos DB through azure-cosmos, against the npm test server on loopback (a fresh database each test)."""
    emulator = CosmosEmulator(tmp_path)
    await emulator.start()
    settings = CosmosSettings(endpoint=emulator.endpoint, database=f"t{uuid.uuid4().hex[:12]}", key="dGVzdC1rZXk=")

    async def open_store() -> DocumentStore:
        return await CosmosDocumentStore.open(settings)

    try:
        yield open_store
    finally:
        await emulator.stop()


ENGINES = {"sqlite": sqlite_engine, "cosmos": cosmos_engine}
