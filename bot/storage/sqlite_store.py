"""The embedded engine: SQLite in one file, so data survives a restart with nothing to install."""

from __future__ import annotations

import functools
import json
import sqlite3
import logging
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Sequence, TypeVar

import aiosqlite

from bot.storage.documents import Document, DocumentExists, DocumentNotFound, DocumentStore, EtagMismatch, StoreBusy

T = TypeVar("T")
BULK_CHUNK = 2000  # rows per statement in a bulk write


def _busy_is_store_busy(operation: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Another process holding the file's write lock past the busy timeout is the store being busy,
    as the contract says: nothing was written, try again."""

    @functools.wraps(operation)
    async def run(self: "SqliteDocumentStore", *args: Any, **kwargs: Any) -> T:
        try:
            return await operation(self, *args, **kwargs)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            await self._db.rollback()
            raise StoreBusy(f"the embedded store is locked by another process: {error}") from error

    return run

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    container TEXT NOT NULL,
    partition TEXT NOT NULL,
    id TEXT NOT NULL,
    etag TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (container, partition, id)
) WITHOUT ROWID;
"""


class _NoStatementDumps(logging.Filter):
    """aiosqlite logs every statement WITH its parameters at DEBUG: whole documents, reflections and
    contracts included. Those records never leave the aiosqlite logger, whatever level is set."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _quiet_aiosqlite() -> None:
    logger = logging.getLogger("aiosqlite")
    if not any(isinstance(f, _NoStatementDumps) for f in logger.filters):
        logger.addFilter(_NoStatementDumps())


class SqliteDocumentStore(DocumentStore):
    """One table keyed like Cosmos DB (container, partition, id). Each write is one statement, so atomic."""

    def __init__(self, connection: aiosqlite.Connection):
        self._db = connection

    @classmethod
    async def open(cls, path: Path | str) -> "SqliteDocumentStore":
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        _quiet_aiosqlite()
        # Autocommit: every write is one statement, so each is its own transaction and waits (busy_timeout)
        # for another process's write lock instead of failing on a read-to-write upgrade.
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA busy_timeout=5000")
        await connection.executescript(_SCHEMA)
        await connection.commit()
        return cls(connection)

    async def close(self) -> None:
        await self._db.close()

    @staticmethod
    def _doc(container: str, partition: str, id: str, etag: str, body: str) -> Document:
        return Document(container, partition, id, json.loads(body), etag)

    @_busy_is_store_busy
    async def read(self, container: str, partition: str, id: str) -> Document:
        async with self._db.execute(
            "SELECT etag, body FROM documents WHERE container=? AND partition=? AND id=?", (container, partition, id)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            raise DocumentNotFound(f"{container}/{partition}/{id}")
        return self._doc(container, partition, id, row[0], row[1])

    @_busy_is_store_busy
    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        etag, text = uuid.uuid4().hex, json.dumps(body)
        cursor = await self._db.execute(
            "INSERT OR IGNORE INTO documents (container, partition, id, etag, body) VALUES (?, ?, ?, ?, ?)",
            (container, partition, id, etag, text),
        )
        await self._db.commit()
        if cursor.rowcount != 1:
            raise DocumentExists(f"{container}/{partition}/{id}")
        return self._doc(container, partition, id, etag, text)

    @_busy_is_store_busy
    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        etag, text = uuid.uuid4().hex, json.dumps(body)
        cursor = await self._db.execute(
            "UPDATE documents SET etag=?, body=? WHERE container=? AND partition=? AND id=? AND etag=?",
            (etag, text, container, partition, id, if_match),
        )
        await self._db.commit()
        if cursor.rowcount != 1:
            await self.read(container, partition, id)  # DocumentNotFound if it is gone
            raise EtagMismatch(f"{container}/{partition}/{id}")
        return self._doc(container, partition, id, etag, text)

    @_busy_is_store_busy
    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        etag, text = uuid.uuid4().hex, json.dumps(body)
        await self._db.execute(
            "INSERT INTO documents (container, partition, id, etag, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (container, partition, id) DO UPDATE SET etag=excluded.etag, body=excluded.body",
            (container, partition, id, etag, text),
        )
        await self._db.commit()
        return self._doc(container, partition, id, etag, text)

    @_busy_is_store_busy
    async def upsert_many(self, container: str, items: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        """One statement per chunk (rows passed as one JSON array), so each chunk is one commit even on this
        autocommit connection, and no other coroutine's write can fall inside it."""
        for start in range(0, len(items), BULK_CHUNK):
            rows = [[partition, id, uuid.uuid4().hex, json.dumps(body)] for partition, id, body in items[start:start + BULK_CHUNK]]
            await self._db.execute(
                "INSERT INTO documents (container, partition, id, etag, body) "
                "SELECT ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
                "json_extract(value, '$[3]') FROM json_each(?) WHERE true "
                "ON CONFLICT (container, partition, id) DO UPDATE SET etag=excluded.etag, body=excluded.body",
                (container, json.dumps(rows)),
            )

    @_busy_is_store_busy
    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        if if_match is None:
            await self._db.execute(
                "DELETE FROM documents WHERE container=? AND partition=? AND id=?", (container, partition, id)
            )
            await self._db.commit()
            return
        cursor = await self._db.execute(
            "DELETE FROM documents WHERE container=? AND partition=? AND id=? AND etag=?",
            (container, partition, id, if_match),
        )
        await self._db.commit()
        if cursor.rowcount != 1:
            try:
                await self.read(container, partition, id)
            except DocumentNotFound:
                return
            raise EtagMismatch(f"{container}/{partition}/{id}")

    @_busy_is_store_busy
    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        sql = "SELECT id, etag, body FROM documents WHERE container=? AND partition=?"
        params: list[Any] = [container, partition]
        for field, value in (equals or {}).items():
            if not field.isidentifier():
                raise ValueError(f"not a field name: {field!r}")
            sql += f" AND json_extract(body, '$.{field}') IS ?"
            params.append(int(value) if isinstance(value, bool) else value)
        sql += " ORDER BY id"
        async with self._db.execute(sql, params) as cursor:
            rows = await cursor.fetchall()
        return [self._doc(container, partition, row[0], row[1], row[2]) for row in rows]
