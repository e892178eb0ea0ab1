"""The DocumentStore contract: every engine must behave exactly like this."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.documents import DocumentExists, DocumentNotFound, EtagMismatch, read_modify_write

C = "pairs"


async def test_reading_a_missing_document_raises_not_found(store):
    with pytest.raises(DocumentNotFound):
        await store.read(C, "p1", "nope")


async def test_created_document_reads_back_with_an_etag(store):
    created = await store.create(C, "p1", "pair", {"a": 1, "nested": {"b": [1, 2]}})
    read = await store.read(C, "p1", "pair")
    assert read.body == {"a": 1, "nested": {"b": [1, 2]}} and read.etag == created.etag and read.etag


async def test_creating_twice_raises_exists_and_keeps_the_first(store):
    await store.create(C, "p1", "pair", {"v": 1})
    with pytest.raises(DocumentExists):
        await store.create(C, "p1", "pair", {"v": 2})
    assert (await store.read(C, "p1", "pair")).body == {"v": 1}


async def test_same_id_in_another_partition_is_another_document(store):
    await store.create(C, "p1", "pair", {"v": 1})
    await store.create(C, "p2", "pair", {"v": 2})
    assert (await store.read(C, "p2", "pair")).body == {"v": 2}


async def test_replace_with_the_current_etag_writes_and_changes_the_etag(store):
    first = await store.create(C, "p1", "pair", {"v": 1})
    second = await store.replace(C, "p1", "pair", {"v": 2}, if_match=first.etag)
    assert second.etag != first.etag and (await store.read(C, "p1", "pair")).body == {"v": 2}


async def test_replace_with_a_stale_etag_fails_and_changes_nothing(store):
    first = await store.create(C, "p1", "pair", {"v": 1})
    await store.replace(C, "p1", "pair", {"v": 2}, if_match=first.etag)
    with pytest.raises(EtagMismatch):
        await store.replace(C, "p1", "pair", {"v": 3}, if_match=first.etag)
    assert (await store.read(C, "p1", "pair")).body == {"v": 2}


async def test_replace_of_a_missing_document_raises_not_found(store):
    with pytest.raises(DocumentNotFound):
        await store.replace(C, "p1", "ghost", {"v": 1}, if_match="whatever")


async def test_upsert_creates_then_overwrites(store):
    await store.upsert(C, "p1", "pair", {"v": 1})
    await store.upsert(C, "p1", "pair", {"v": 2})
    assert (await store.read(C, "p1", "pair")).body == {"v": 2}


async def test_deleting_a_missing_document_is_fine(store):
    await store.delete(C, "p1", "ghost")
    await store.delete(C, "p1", "ghost", if_match="stale")


async def test_delete_with_a_stale_etag_fails_and_keeps_the_document(store):
    first = await store.create(C, "p1", "pair", {"v": 1})
    await store.replace(C, "p1", "pair", {"v": 2}, if_match=first.etag)
    with pytest.raises(EtagMismatch):
        await store.delete(C, "p1", "pair", if_match=first.etag)
    await store.delete(C, "p1", "pair")
    with pytest.raises(DocumentNotFound):
        await store.read(C, "p1", "pair")


async def test_query_stays_in_one_partition_and_filters_by_equality(store):
    await store.create(C, "p1", "b", {"type": "reflection", "shared": True, "n": 2})
    await store.create(C, "p1", "a", {"type": "reflection", "shared": False, "n": 1})
    await store.create(C, "p1", "c", {"type": "session", "shared": True, "n": 3})
    await store.create(C, "p2", "d", {"type": "reflection", "shared": True, "n": 4})
    assert [d.id for d in await store.query(C, "p1")] == ["a", "b", "c"]
    assert [d.id for d in await store.query(C, "p1", {"type": "reflection"})] == ["a", "b"]
    assert [d.id for d in await store.query(C, "p1", {"type": "reflection", "shared": True})] == ["b"]
    assert [d.id for d in await store.query(C, "p1", {"n": 1})] == ["a"]


async def test_containers_are_separate(store):
    await store.create("people", "p1", "x", {"v": "person"})
    with pytest.raises(DocumentNotFound):
        await store.read(C, "p1", "x")


@pytest.mark.parametrize("key", ["tenant:0000-aad", "with space", "ünïcødé ✓", "quote's \"double\"", "a:b:c;d,e"])
async def test_odd_characters_in_ids_and_partitions_round_trip(store, key):
    await store.create(C, key, key, {"key": key})
    assert (await store.read(C, key, key)).body == {"key": key}
    assert [d.id for d in await store.query(C, key)] == [key]


async def test_data_survives_closing_and_reopening(opener):
    store = await opener()
    await store.create(C, "p1", "pair", {"v": "kept"})
    await store.close()
    reopened = await opener()
    try:
        assert (await reopened.read(C, "p1", "pair")).body == {"v": "kept"}
    finally:
        await reopened.close()


async def test_fifty_concurrent_writers_on_one_document_lose_nothing(store):
    def append(n):
        def change(body):
            items = list((body or {}).get("items", []))
            return {"items": items + [n]}, n
        return change

    await asyncio.gather(*(read_modify_write(store, C, "p1", "list", append(n)) for n in range(50)))
    assert sorted((await store.read(C, "p1", "list")).body["items"]) == list(range(50))


async def test_upsert_many_writes_every_item_and_replaces_what_was_there(store):
    await store.upsert("programmes", "p1", "a", {"v": 0})
    items = [("p1", f"id{k:03d}", {"v": k}) for k in range(120)] + [("p1", "a", {"v": "new"}), ("p2", "b", {"v": "other"})]
    await store.upsert_many("programmes", items)
    listed = await store.query("programmes", "p1")
    assert len(listed) == 121 and (await store.read("programmes", "p1", "a")).body["v"] == "new"
    assert (await store.read("programmes", "p1", "id007")).body == {"v": 7}
    assert [d.id for d in await store.query("programmes", "p2")] == ["b"]
    await store.upsert_many("programmes", items)  # again: the same documents, nothing added
    assert len(await store.query("programmes", "p1")) == 121
