"""The outbox's repository methods on every engine: items live outside the hour buckets, are found while
open, and a lost write answer is checked by reading the document back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.domain.due import OUTBOX_PARTITION, DueState, outbox_item
from bot.storage.documents import PAIRS, StoreTimeout, read_modify_write
from bot.storage.repositories import DueWorkRepository
from tests.support.faulty_store import LOST, Fault, FaultyStore

NOW = datetime(2027, 1, 12, 12, 0, tzinfo=timezone.utc)


async def test_open_outbox_finds_pending_and_claimed_items_but_not_finished_ones(store):
    repo = DueWorkRepository(store)
    items = [outbox_item(f"t:p{n}", f"key.{n}", f"message {n}", None, NOW) for n in range(3)]
    for item in items:
        assert await repo.schedule(item)
        assert item.bucket.startswith(f"{OUTBOX_PARTITION}.")
    assert not await repo.schedule(items[0])  # the same key and recipient again: kept as it is
    held = await repo.get(items[1])
    claimed = await repo.claim(held[0], held[1], "inline", NOW + timedelta(seconds=30))
    done = await repo.get(items[2])
    assert await repo.finish(*done)
    found = {item.session_id: item for item, _ in await repo.open_outbox()}
    assert set(found) == {"key.0", "key.1"}
    assert found["key.1"].state is DueState.CLAIMED and claimed is not None
    assert found["key.0"].message == {"text": "message 0", "card": None}


async def test_a_write_whose_answer_is_lost_is_reported_done_when_it_landed(store):
    faulty = FaultyStore(store)
    await store.create(PAIRS, "p1", "contract", {"versions": [1]})
    faulty.inject(Fault(LOST, "replace", PAIRS, "contract"))
    result = await read_modify_write(faulty, PAIRS, "p1", "contract", lambda body: ({"versions": [*body["versions"], 2]}, "added"))
    assert result == "added"
    assert (await store.read(PAIRS, "p1", "contract")).body == {"versions": [1, 2]}


async def test_a_write_that_timed_out_without_landing_still_says_it_is_unsure(store):
    faulty = FaultyStore(store)
    await store.create(PAIRS, "p1", "contract", {"versions": [1]})
    faulty.inject(Fault("timeout", "replace", PAIRS, "contract"))
    with pytest.raises(StoreTimeout):  # a write that did not land is never reported done
        await read_modify_write(faulty, PAIRS, "p1", "contract", lambda body: ({"versions": [*body["versions"], 2]}, "added"))
    assert (await store.read(PAIRS, "p1", "contract")).body == {"versions": [1]}
