"""Bot Framework state over the document store behaves like the SDK's own Storage contract."""

from __future__ import annotations

import pytest
from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions

from bot.storage.bot_state import DocumentBotStorage, StateEtagConflict, decode, encode


@pytest.fixture
def storage(store):
    return DocumentBotStorage(store)


async def test_reading_unknown_keys_gives_nothing(storage):
    assert await storage.read(["unknown", "also-unknown"]) == {}


async def test_written_state_reads_back_with_an_etag(storage):
    await storage.write({"conv/1": {"count": 1, "name": "Adele"}})
    item = (await storage.read(["conv/1"]))["conv/1"]
    assert item["count"] == 1 and item["name"] == "Adele" and item["e_tag"]


async def test_write_with_a_stale_etag_fails(storage):
    await storage.write({"k": {"count": 1}})
    first = (await storage.read(["k"]))["k"]
    await storage.write({"k": {**first, "count": 2}})
    with pytest.raises(StateEtagConflict):
        await storage.write({"k": {**first, "count": 3}})
    assert (await storage.read(["k"]))["k"]["count"] == 2


async def test_star_etag_overwrites(storage):
    await storage.write({"k": {"count": 1}})
    await storage.write({"k": {"count": 5, "e_tag": "*"}})
    assert (await storage.read(["k"]))["k"]["count"] == 5


@pytest.mark.parametrize("key", ["msteams/conversations/a:b?c#d/e\\f", "x" * 600, "ünï ✓ %2F"])
async def test_keys_with_any_characters_work(storage, key):
    await storage.write({key: {"v": key[:10]}})
    assert (await storage.read([key]))[key]["v"] == key[:10]


async def test_deleting_unknown_keys_is_fine(storage):
    await storage.delete(["never-written"])
    await storage.write({"k": {"v": 1}})
    await storage.delete(["k"])
    assert await storage.read(["k"]) == {}


def test_dialog_stack_round_trips_as_plain_json():
    options = PromptOptions(prompt=MessageFactory.text("How often?"), choices=[Choice("monthly")], style=ListStyle.hero_card,
                            validations={"pairId": "p1"})
    state = DialogState([DialogInstance("MainDialog", {"dialogs": DialogState([DialogInstance("choice", {"options": options, "state": {}})])})])
    import json

    restored = decode(json.loads(json.dumps(encode(state))))
    inner = restored.dialog_stack[0].state["dialogs"].dialog_stack[0].state["options"]
    assert inner.prompt.text == "How often?" and inner.choices[0].value == "monthly" and inner.style is ListStyle.hero_card
    assert inner.validations == {"pairId": "p1"}


def test_unknown_objects_are_refused_rather_than_pickled():
    with pytest.raises(TypeError, match="cannot be kept"):
        encode({"x": object()})
