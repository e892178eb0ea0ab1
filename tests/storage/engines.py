"""Every DocumentStore engine the contract suite runs against. A new engine is one more entry."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable

from bot.storage.documents import DocumentStore
from bot.storage.sqlite_store import SqliteDocumentStore


async def sqlite_engine(tmp_path: Path) -> AsyncIterator[Callable[[], Awaitable[DocumentStore]]]:
    """Yields an opener, so a test can close the store and open the same data again."""
    path = tmp_path / "tandem.sqlite3"

    async def open_store() -> DocumentStore:
        return await SqliteDocumentStore.open(path)

    yield open_store


ENGINES = {"sqlite": sqlite_engine}
