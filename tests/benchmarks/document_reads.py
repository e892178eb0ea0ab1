"""Benchmark (not a test): reads per second of a Person and a Schedule through their repositories, from an
in-memory store (so decoding is what is measured) and from the embedded SQLite file. Prints a table.

    .venv/bin/python -m tests.benchmarks.document_reads

It writes version 1 documents (tests/fixtures/v1_documents.json), which every Tandem since reads, so the
same file measures the hand-written from_doc (run it on an older checkout) and the typed models.
Measured on 2 Dec 2026 (2 shared cores), reads/s, hand-written from_doc -> pydantic TypeAdapter:
    in memory   Person 48,660 -> 64,520    Schedule of 12 sessions 8,267 -> 17,137
    SQLite      Person  3,109 ->  3,266    Schedule of 12 sessions 1,964 ->  2,164
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping

from bot.storage.documents import PAIRS, PEOPLE, Document, DocumentNotFound, DocumentStore
from bot.storage.repositories import PairRepository, PeopleRepository
from bot.storage.sqlite_store import SqliteDocumentStore

V1 = json.loads((Path(__file__).parent.parent / "fixtures" / "v1_documents.json").read_text())
SESSIONS = 12  # a live schedule: a few months of sessions and their proposals
SECONDS = 1.5


class MemoryStore(DocumentStore):
    """Reads only, from a dict: the store costs nothing, so the figure is the decoding."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str, str], dict[str, Any]] = {}

    async def read(self, container: str, partition: str, id: str) -> Document:
        try:
            return Document(container, partition, id, self.docs[container, partition, id], "1")
        except KeyError:
            raise DocumentNotFound(id) from None

    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        self.docs[container, partition, id] = json.loads(json.dumps(body))
        return await self.read(container, partition, id)

    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        return await self.upsert(container, partition, id, body)

    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        return await self.upsert(container, partition, id, body)

    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        self.docs.pop((container, partition, id), None)

    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        return []


def schedule_doc() -> dict[str, Any]:
    template = V1["schedule"]["sessions"]
    sessions = [{**template[n % len(template)], "id": f"s{n}"} for n in range(SESSIONS)]
    return {**V1["schedule"], "sessions": sessions}


async def rate(read: Callable[[], Awaitable[object]]) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        for _ in range(100):
            await read()
        count += 100
    return count / (time.perf_counter() - started)


async def measure(store: DocumentStore) -> tuple[float, float]:
    await store.upsert(PEOPLE, "t1:o1", "t1:o1", V1["person"])
    await store.upsert(PAIRS, "pair1", "schedule", schedule_doc())
    people, pairs = PeopleRepository(store), PairRepository(store)
    return await rate(lambda: people.get("t1:o1")), await rate(lambda: pairs.schedule("pair1"))


async def run() -> list[tuple[str, float, float]]:
    rows = [("in memory (decoding only)", *await measure(MemoryStore()))]
    sqlite = await SqliteDocumentStore.open(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    try:
        rows.append(("embedded SQLite", *await measure(sqlite)))
    finally:
        await sqlite.close()
    return rows


def main() -> None:
    print(f"{'store':28} {'Person reads/s':>15} {f'Schedule ({SESSIONS}) reads/s':>22}")
    for label, person, schedule in asyncio.run(run()):
        print(f"{label:28} {person:>15,.0f} {schedule:>22,.0f}")


if __name__ == "__main__":
    main()
