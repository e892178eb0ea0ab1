"""Counts storage round trips per bot turn, so what a turn costs can be seen and kept down."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from bot.storage.documents import BOT_STATE, Document, DocumentStore


@dataclass
class RoundTrips:
    """Requests to the store during one turn, split into Bot Framework state and everything else."""

    state_reads: int = 0
    state_writes: int = 0
    point_reads: int = 0
    writes: int = 0
    queries: int = 0
    by_container: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.state_reads + self.state_writes + self.point_reads + self.writes + self.queries

    def count(self, container: str, kind: str) -> None:
        self.by_container[container] = self.by_container.get(container, 0) + 1
        if container == BOT_STATE:
            kind = "state_reads" if kind == "point_reads" else "state_writes" if kind == "writes" else kind
        setattr(self, kind, getattr(self, kind) + 1)


_current: ContextVar[RoundTrips | None] = ContextVar("tandem_round_trips", default=None)


@contextmanager
def counting() -> Iterator[RoundTrips]:
    """Count the round trips made inside this block (and the coroutines it awaits)."""
    trips = RoundTrips()
    token = _current.set(trips)
    try:
        yield trips
    finally:
        _current.reset(token)


class MeteredStore(DocumentStore):
    """Wraps any engine; counts into the block that is counting, if any."""

    def __init__(self, inner: DocumentStore):
        self.inner = inner

    @staticmethod
    def _note(container: str, kind: str) -> None:
        trips = _current.get()
        if trips is not None:
            trips.count(container, kind)

    async def read(self, container: str, partition: str, id: str) -> Document:
        self._note(container, "point_reads")
        return await self.inner.read(container, partition, id)

    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        self._note(container, "writes")
        return await self.inner.create(container, partition, id, body)

    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        self._note(container, "writes")
        return await self.inner.replace(container, partition, id, body, if_match)

    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        self._note(container, "writes")
        return await self.inner.upsert(container, partition, id, body)

    async def upsert_many(self, container: str, items) -> None:
        for _ in items:
            self._note(container, "writes")
        await self.inner.upsert_many(container, items)

    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        self._note(container, "writes")
        await self.inner.delete(container, partition, id, if_match)

    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        self._note(container, "queries")
        return await self.inner.query(container, partition, equals)

    async def close(self) -> None:
        await self.inner.close()
