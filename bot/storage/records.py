"""Bulk reads and deletes over whole partitions, for retention and erasure (never on a hot path)."""

from __future__ import annotations

from bot.storage.documents import PAIRS, PEOPLE, PROGRAMMES, REFLECTIONS, Document, DocumentStore


class RecordsRepository:
    """Each method reads one partition and deletes what it found: deleting twice finds nothing the
    second time, so an interrupted run is finished by running it again."""

    def __init__(self, store: DocumentStore):
        self._store = store

    async def _delete_all(self, docs: list[Document]) -> int:
        for doc in docs:
            await self._store.delete(doc.container, doc.partition, doc.id)
        return len(docs)

    async def delete_pair_records(self, pair_id: str) -> int:
        """The pair, its contract and its schedule (everything in the pair's partition)."""
        return await self._delete_all(await self._store.query(PAIRS, pair_id))

    async def delete_reflections(self, author_id: str, pair_id: str | None = None) -> int:
        """An author's reflections: all of them, or those on one pair."""
        where = {"type": "reflection", **({"pairId": pair_id} if pair_id else {})}
        return await self._delete_all(await self._store.query(REFLECTIONS, author_id, where))

    async def programme_records(self, programme_id: str) -> list[Document]:
        return await self._store.query(PROGRAMMES, programme_id)

    async def delete_programme_records(self, programme_id: str) -> int:
        """Roster entries and alerts first, the programme itself last: while it exists, a rerun knows
        what is left to do."""
        docs = await self.programme_records(programme_id)
        return await self._delete_all(sorted(docs, key=lambda d: d.id == programme_id))

    async def delete_person(self, person_id: str) -> int:
        await self._store.delete(PEOPLE, person_id, person_id)
        return 1
