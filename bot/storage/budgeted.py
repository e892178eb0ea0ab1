"""A document store wrapper that holds every call inside a turn to what is left of the turn's budget:
past it nothing more is asked of the store (StoreBusy: nothing written, "busy, try again"), and a call
that runs out mid-way is cut off (StoreTimeout: the caller checks whether a write landed)."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Mapping, Sequence, TypeVar

from bot.deadline import remaining
from bot.storage.documents import Document, DocumentStore, StoreBusy, StoreTimeout

T = TypeVar("T")


class BudgetedStore(DocumentStore):
    def __init__(self, inner: DocumentStore):
        self.inner = inner

    async def _within(self, call: Awaitable[T], what: str) -> T:
        left = remaining()
        if left is None:
            return await call
        if left <= 0:
            call.close()  # type: ignore[attr-defined]  # never started: nothing was sent to the store
            raise StoreBusy(f"the turn is out of time before {what}")
        try:
            async with asyncio.timeout(left):
                return await call
        except TimeoutError as error:
            raise StoreTimeout(f"{what} ran out of the turn's time") from error

    async def read(self, container: str, partition: str, id: str) -> Document:
        return await self._within(self.inner.read(container, partition, id), f"reading {container}")

    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self._within(self.inner.create(container, partition, id, body), f"writing {container}")

    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        return await self._within(self.inner.replace(container, partition, id, body, if_match), f"writing {container}")

    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self._within(self.inner.upsert(container, partition, id, body), f"writing {container}")

    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        return await self._within(self.inner.delete(container, partition, id, if_match), f"deleting from {container}")

    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        return await self._within(self.inner.query(container, partition, equals), f"querying {container}")

    async def upsert_many(self, container: str, items: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        return await self._within(self.inner.upsert_many(container, items), f"writing {container}")

    async def close(self) -> None:
        await self.inner.close()
