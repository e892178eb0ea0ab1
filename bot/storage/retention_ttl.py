"""A store wrapper that stamps each write of a programme's records with a Cosmos DB item TTL.

The scheduler deletes a programme's records at the end of its retention period (and audits it);
this is the backstop. Cosmos DB counts an item's `ttl` from its last write, so every write carries
the seconds left until the programme's deadline (never less than a floor). Pairs, their contracts
and schedules, reflections, roster entries, alerts, participants, the entries of the invitation index
and the programme itself are stamped; people
span programmes and are removed by the scheduler once nothing of theirs is left.
"""

from __future__ import annotations

import time as monotonic
from datetime import datetime
from typing import Any, Mapping

from bot.clock import Clock
from bot.domain.retention import retention_deadline, ttl_seconds
from bot.storage.documents import PAIRS, PROGRAMMES, REFLECTIONS, Document, DocumentNotFound, DocumentStore
from bot.storage.kinds import PROGRAMME

PAIR_DOC = "pair"
DEADLINE_CACHE_SECONDS = 300.0  # a programme's end can change; other instances see it within this


class RetentionTtlStore(DocumentStore):
    def __init__(self, inner: DocumentStore, clock: Clock):
        self._inner = inner
        self._clock = clock
        self._programme_of_pair: dict[str, str] = {}  # never changes once a pair exists
        self._deadlines: dict[str, tuple[datetime, float]] = {}

    # Reads and deletes pass straight through ---------------------------------------------------
    async def read(self, container: str, partition: str, id: str) -> Document:
        return await self._inner.read(container, partition, id)

    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        await self._inner.delete(container, partition, id, if_match)

    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        return await self._inner.query(container, partition, equals)

    async def close(self) -> None:
        await self._inner.close()

    # Writes carry the TTL ------------------------------------------------------------------------
    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self._inner.create(container, partition, id, await self._stamped(container, partition, id, body))

    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        return await self._inner.replace(container, partition, id, await self._stamped(container, partition, id, body), if_match)

    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self._inner.upsert(container, partition, id, await self._stamped(container, partition, id, body))

    async def _stamped(self, container: str, partition: str, id: str, body: dict[str, Any]) -> dict[str, Any]:
        deadline = await self._deadline_for(container, partition, id, body)
        if deadline is None:
            return body
        return {**body, "ttl": ttl_seconds(deadline, self._clock.now())}

    async def _deadline_for(self, container: str, partition: str, id: str, body: dict[str, Any]) -> datetime | None:
        if container == PROGRAMMES:
            if body.get("type") == "invitation" and isinstance(body.get("programmeId"), str):
                return await self._programme_deadline(body["programmeId"])  # in the invitee's partition
            if id == partition and body.get("type") == "programme":
                deadline = retention_deadline(PROGRAMME.load(body, partition))
                self._deadlines[partition] = (deadline, monotonic.monotonic())
                return deadline
            return await self._programme_deadline(partition)
        if container == PAIRS:
            if id == PAIR_DOC and "programmeId" in body:
                self._programme_of_pair[partition] = body["programmeId"]
            programme_id = await self._programme_id(partition)
        elif container == REFLECTIONS and isinstance(body.get("pairId"), str):
            programme_id = await self._programme_id(body["pairId"])
        else:
            return None
        return await self._programme_deadline(programme_id) if programme_id else None

    async def _programme_id(self, pair_id: str) -> str | None:
        if pair_id not in self._programme_of_pair:
            try:
                self._programme_of_pair[pair_id] = (await self._inner.read(PAIRS, pair_id, PAIR_DOC)).body["programmeId"]
            except DocumentNotFound:
                return None
        return self._programme_of_pair[pair_id]

    async def _programme_deadline(self, programme_id: str) -> datetime | None:
        cached = self._deadlines.get(programme_id)
        if cached and monotonic.monotonic() - cached[1] < DEADLINE_CACHE_SECONDS:
            return cached[0]
        try:
            doc = await self._inner.read(PROGRAMMES, programme_id, programme_id)
        except DocumentNotFound:
            return None
        deadline = retention_deadline(PROGRAMME.load(doc.body, programme_id))
        self._deadlines[programme_id] = (deadline, monotonic.monotonic())
        return deadline
