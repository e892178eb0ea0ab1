"""The document-store contract every engine implements, shaped like Cosmos DB.

A document lives in a container, under a partition key, with an id unique within its partition,
and an ETag that changes on every write. Updates are optimistic: a replace names the ETag it read
and fails if someone else wrote in between, so concurrent writers never lose an update.
"""

from __future__ import annotations

import abc
import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence, TypeVar

PEOPLE = "people"  # partition: person id (tenant:objectId)
PROGRAMMES = "programmes"  # partition: programme id; the programme and its roster entries
PAIRS = "pairs"  # partition: pair id; the pair, its contract and its schedule
REFLECTIONS = "reflections"  # partition: author's person id, so "my reflections" is one partition
DUE = "due"  # partition: the UTC hour work falls due in, so a sweep reads only what is due
BOT_STATE = "botstate"  # partition: the state key; Bot Framework conversation and dialog state
AUDIT = "audit"  # partition: whose record an action touched (person or programme id); append-only

CONCERNS = "concerns"  # partition: programme id; safeguarding concerns, read only for their lead (never by managers' queries)

CONTAINERS = (PEOPLE, PROGRAMMES, PAIRS, REFLECTIONS, DUE, BOT_STATE, AUDIT, CONCERNS)


class StorageError(Exception):
    """The store could not do what was asked."""


class DocumentNotFound(StorageError):
    pass


class DocumentExists(StorageError):
    pass


class EtagMismatch(StorageError):
    """Someone else wrote the document after it was read."""


class StoreBusy(StorageError):
    """The store is throttling or unreachable and retries ran out; nothing was written."""


class StoreTimeout(StoreBusy):
    """The store did not answer within the call's budget. A write may or may not have landed, so a
    retry must be safe to repeat (every multi-step operation here is idempotent)."""


@dataclass(frozen=True)
class Document:
    container: str
    partition: str
    id: str
    body: dict[str, Any]
    etag: str


class DocumentStore(abc.ABC):
    """Every engine passes the same contract suite (tests/storage/test_document_store_contract.py)."""

    @abc.abstractmethod
    async def read(self, container: str, partition: str, id: str) -> Document:
        """The document, or DocumentNotFound."""

    @abc.abstractmethod
    async def create(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        """A new document, or DocumentExists."""

    @abc.abstractmethod
    async def replace(self, container: str, partition: str, id: str, body: dict[str, Any], if_match: str) -> Document:
        """Overwrite if the stored ETag is still `if_match`: else EtagMismatch (DocumentNotFound if gone)."""

    @abc.abstractmethod
    async def upsert(self, container: str, partition: str, id: str, body: dict[str, Any]) -> Document:
        """Write unconditionally (last writer wins): only for data with a single writer."""

    @abc.abstractmethod
    async def delete(self, container: str, partition: str, id: str, if_match: str | None = None) -> None:
        """Remove; deleting what is not there is fine. With if_match, EtagMismatch if it changed."""

    @abc.abstractmethod
    async def query(self, container: str, partition: str, equals: Mapping[str, Any] | None = None) -> list[Document]:
        """Documents in ONE partition whose top-level fields equal the given values, ordered by id."""

    async def upsert_many(self, container: str, items: Sequence[tuple[str, str, dict[str, Any]]]) -> None:
        """Many unconditional writes, (partition, id, body) each, for bulk loads with a single writer (a
        roster import). Not a transaction: each item lands or the call raises, and running it again is
        safe. Engines may do it faster; this default writes a bounded number at a time."""
        gate = asyncio.Semaphore(BULK_CONCURRENCY)

        async def one(partition: str, id: str, body: dict[str, Any]) -> None:
            async with gate:
                await self.upsert(container, partition, id, body)

        await asyncio.gather(*(one(*item) for item in items))

    async def close(self) -> None:
        """Release connections and files."""


T = TypeVar("T")
R = TypeVar("R")

MAX_WRITE_ATTEMPTS = 100
BULK_CONCURRENCY = 16
MAX_BACKOFF_SECONDS = 0.05


async def read_modify_write(
    store: DocumentStore,
    container: str,
    partition: str,
    id: str,
    change: Callable[[dict[str, Any] | None], tuple[dict[str, Any], R]],
    attempts: int = MAX_WRITE_ATTEMPTS,
    tell: Callable[[R], Sequence[dict[str, Any]]] | None = None,
) -> R:
    """Apply `change` to the current body (None if absent) and write it back, retrying on a lost race.

    `change` must be pure: it may run again on a fresher copy. If it raises, nothing is written.
    `tell` names the messages the change causes (from its result): they are added to the document's
    envelope-level OUTBOX_FIELD in the same write, so they exist exactly when the change landed. Messages
    already waiting there are kept through every write, whatever `change` returns.
    """
    for attempt in range(attempts):
        try:
            current = await store.read(container, partition, id)
        except DocumentNotFound:
            current = None
        new_body, result = change(current.body if current else None)
        new_body = _with_outbox(new_body, (current.body.get(OUTBOX_FIELD) or []) if current else [],
                                list(tell(result)) if tell else [])
        try:
            if current is None:
                await store.create(container, partition, id, new_body)
            else:
                await store.replace(container, partition, id, new_body, if_match=current.etag)
            return result
        except StoreTimeout as unanswered:
            # The write may have landed with its answer lost: look, rather than tell someone it failed.
            try:
                landed = await _landed(store, container, partition, id, new_body)
            except StorageError:
                raise unanswered from None
            if landed:
                return result
            raise
        except (EtagMismatch, DocumentExists, DocumentNotFound):
            # Someone wrote first: back off (jittered, growing, capped) and apply the change to their version.
            await asyncio.sleep(random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.002 * 2 ** attempt)))
    raise StoreBusy(f"Too many concurrent writers on {container}/{partition}/{id}")


OUTBOX_FIELD = "outbox"  # envelope level: messages a change caused, waiting to be relayed
OUTBOX_FIELD_LIMIT = 50  # entries are relayed within minutes; more waiting than this means the relay is down


def _with_outbox(body: dict[str, Any], waiting: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any]:
    """The body with the messages still waiting plus the new ones, one per recipient and key."""
    entries, seen = [], set()
    for entry in [*waiting, *new]:
        address = (entry["recipient"], entry["key"])
        if address not in seen:
            seen.add(address)
            entries.append(entry)
    if len(entries) > OUTBOX_FIELD_LIMIT:
        raise StoreBusy(f"{len(entries)} messages wait to be relayed; nothing was written")
    body = {k: v for k, v in body.items() if k != OUTBOX_FIELD}
    return {**body, OUTBOX_FIELD: entries} if entries else body


async def waiting_messages(store: DocumentStore, container: str, partition: str, id: str) -> list[dict[str, Any]]:
    """The messages a document's changes caused that are not relayed yet (none if it is gone)."""
    try:
        return list((await store.read(container, partition, id)).body.get(OUTBOX_FIELD) or [])
    except DocumentNotFound:
        return []


async def drop_messages(store: DocumentStore, container: str, partition: str, id: str,
                        relayed: set[tuple[str, str]], attempts: int = 5) -> None:
    """Remove relayed messages (by recipient and key) with a conditional write, keeping anything else."""
    for attempt in range(attempts):
        try:
            current = await store.read(container, partition, id)
        except DocumentNotFound:
            return
        waiting = current.body.get(OUTBOX_FIELD) or []
        left = [e for e in waiting if (e["recipient"], e["key"]) not in relayed]
        if len(left) == len(waiting):
            return
        body = {k: v for k, v in current.body.items() if k != OUTBOX_FIELD}
        try:
            await store.replace(container, partition, id, {**body, OUTBOX_FIELD: left} if left else body, if_match=current.etag)
            return
        except (EtagMismatch, DocumentNotFound):
            await asyncio.sleep(random.uniform(0, min(MAX_BACKOFF_SECONDS, 0.002 * 2 ** attempt)))
    raise StoreBusy(f"Too many concurrent writers on {container}/{partition}/{id}")


async def _landed(store: DocumentStore, container: str, partition: str, id: str, body: dict[str, Any]) -> bool:
    """Whether the stored document is now exactly `body` (a write whose answer was lost did land)."""
    try:
        stored = await store.read(container, partition, id)
    except DocumentNotFound:
        return False
    return json.loads(json.dumps(stored.body, default=str)) == json.loads(json.dumps(body, default=str))
