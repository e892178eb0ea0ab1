"""A document store wrapper that injects the faults a busy Cosmos DB gives: throttling (429, nothing
written), a timeout (nothing written, the caller can't tell), a lost response (the write lands, then
the call raises as if it timed out) and a slow store (every matching call waits). Test set-up only."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping, TypeVar

from bot.storage.documents import Document, DocumentStore, StoreBusy, StoreTimeout

T = TypeVar("T")
WRITES = ("create", "replace", "upsert", "delete")
THROTTLE, TIMEOUT, LOST, SLOW = "throttle", "timeout", "lost", "slow"


@dataclass
class Fault:
    kind: str  # THROTTLE, TIMEOUT or LOST
    op: str = "write"  # "write" (any of WRITES), or one operation: "read", "query", "create", ...
    container: str | None = None
    id_prefix: str = ""  # only documents whose id starts with this
    times: int = 1  # how many matching calls fail; then it is spent
    skip: int = 0  # let this many matching calls through first (fail the n-th write of a step)
    delay: float = 0.0  # seconds every matching call waits before it runs (a slow store); with SLOW, never fails


@dataclass
class FaultyStore(DocumentStore):
    inner: DocumentStore
    faults: list[Fault] = field(default_factory=list)
    injected: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, op, container, id) of each fault given
    writes: list[tuple[str, str, str]] = field(default_factory=list)  # (op, container, id) of every write asked for

    def inject(self, *faults: Fault) -> None:
        self.faults.extend(faults)

    def clear(self) -> None:
        self.faults.clear()

    async def _call(self, op: str, container: str, id: str, run: Callable[[], Awaitable[T]]) -> T:
        if op in WRITES:
            self.writes.append((op, container, id))
        for fault in self.faults:
            if fault.times > 0 and (fault.op == op or (fault.op == "write" and op in WRITES)) \
                    and fault.container in (None, container) and id.startswith(fault.id_prefix):
                if fault.kind == SLOW:
                    await asyncio.sleep(fault.delay)
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                self.injected.append((fault.kind, op, container, id))
                if fault.kind == THROTTLE:
                    raise StoreBusy(f"throttled: {op} {container}/{id}")
                if fault.kind == TIMEOUT:
                    raise StoreTimeout(f"no answer: {op} {container}/{id}")
                await run()
                raise StoreTimeout(f"answer lost: {op} {container}/{id}")
        return await run()

    async def read(self, container: str, partition: str, id: str) -> Document:
        return await self._call("read", container, id, lambda: self.inner.read(container, partition, id))

    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self._call("create", container, id, lambda: self.inner.create(container, partition, id, body))

    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        return await self._call("replace", container, id, lambda: self.inner.replace(container, partition, id, body, if_match))

    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self._call("upsert", container, id, lambda: self.inner.upsert(container, partition, id, body))

    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        return await self._call("delete", container, id, lambda: self.inner.delete(container, partition, id, if_match))

    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        return await self._call("query", container, partition, lambda: self.inner.query(container, partition, equals))

    async def close(self) -> None:
        await self.inner.close()
