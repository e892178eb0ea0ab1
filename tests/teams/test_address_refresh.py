"""A known person's stored chat address follows Teams: when an activity from them arrives from another
serviceUrl (or conversation), the stored address is replaced once, so later proactive messages go there."""

from __future__ import annotations

from bot.services.context import Message
from bot.storage.documents import PEOPLE
from bot.storage.sqlite_store import SqliteDocumentStore
from bot.teams.handler import address_moved
from tests.dialogs.harness import World, user
from tests.support.faulty_store import FaultyStore

MEGAN = user("Megan")
OLD, NEW = "https://smba.example/uk/", "https://smba.example/emea/"


def people_writes(store: FaultyStore) -> int:
    return sum(container == PEOPLE for _, container, _ in store.writes)


async def test_a_new_service_url_replaces_the_stored_one_once_and_proactive_messages_follow_it(tmp_path):
    store = FaultyStore(await SqliteDocumentStore.open(tmp_path / "moved.sqlite3"))
    world = World(store)
    chat = world.chat(MEGAN)
    await chat.say("hello")
    person = await world.services.ctx.repos.people.get(MEGAN.id)
    assert person.conversation["serviceUrl"] == OLD
    before = people_writes(store)
    await chat.say("hello")
    assert people_writes(store) == before  # the same address: nothing written
    await chat.say("hello", service_url=NEW)
    assert people_writes(store) == before + 1
    person = await world.services.ctx.repos.people.get(MEGAN.id)
    assert person.conversation["serviceUrl"] == NEW and person.contact["serviceUrl"] == NEW
    await chat.say("hello", service_url=NEW)
    assert people_writes(store) == before + 1  # once
    delivery = await world.services.ctx.notify(MEGAN.id, Message(text="Your session is tomorrow"), key="moved.1")
    assert delivery is not None and delivery.conversation["serviceUrl"] == NEW  # the messenger was handed the new address
    await store.close()


def test_a_reference_without_a_service_url_never_counts_as_moved():
    stored = {"serviceUrl": OLD, "conversation": {"id": "conv-1"}}
    assert not address_moved(stored, {"conversation": {"id": "conv-1"}})
    assert address_moved(stored, {"serviceUrl": NEW, "conversation": {"id": "conv-1"}})
    assert address_moved(stored, {"serviceUrl": OLD, "conversation": {"id": "conv-2"}})
    assert not address_moved(stored, {"serviceUrl": OLD, "conversation": {"id": "conv-1"}})
