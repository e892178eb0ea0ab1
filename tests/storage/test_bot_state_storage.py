"""Bot Framework state over the document store behaves like the SDK's own Storage contract, and its documents
are versioned like every other: an old (version 1) state reads and carries on, a newer Tandem's is refused and
the conversation starts afresh."""

from __future__ import annotations

import logging

import pytest
from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions

from bot.storage.bot_state import DocumentBotStorage, StateEtagConflict, StateUnreadable, decode, document_id, encode, stored_state
from bot.storage.documents import BOT_STATE
from bot.storage.schema import DocumentCorrupt

# A conversation state exactly as Tandem wrote it before bot state documents carried a version: a waterfall
# ("w") waiting at its text prompt ("Name?"), in the TestAdapter's conversation.
V1_KEY = "Channels.test/conversations/Convo1"
V1_STATE = {"key": V1_KEY, "state": {"dialogState": {"$type": "DialogState", "stack": [
    {"$type": "DialogInstance", "id": "text", "state": {"options": {
        "$type": "PromptOptions",
        "prompt": {"$type": "Activity", "value": {"type": "message", "text": "Name?", "inputHint": "acceptingInput"}},
        "retry_prompt": None, "choices": None, "style": None, "validations": None, "number_of_attempts": 0}, "state": {}}},
    {"$type": "DialogInstance", "id": "w", "state": {"options": None, "values": {},
                                                      "instanceId": "1d4df382-ee24-11f1-8de5-02fc00000001", "stepIndex": 0}},
]}}}


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


# The same behaviours the SDK's own StorageBaseTests check for every Storage.

async def test_null_keys_and_changes_are_refused_with_the_sdk_messages(storage):
    with pytest.raises(ValueError, match="Keys are required when reading"):
        await storage.read(None)
    with pytest.raises(ValueError, match="Changes are required when writing"):
        await storage.write(None)
    await storage.write([])
    await storage.write({})
    assert await storage.read([]) == {}


async def test_crazy_keys_work(storage):
    key = '!@#$%^&*()_+??><":QASD~`'
    await storage.write({key: {"id": 1}})
    assert (await storage.read([key]))[key]["id"] == 1


async def test_an_empty_etag_fails_and_changes_nothing(storage):
    await storage.write({"k": {"count": 1, "e_tag": "*"}})
    item = (await storage.read(["k"]))["k"]
    item["count"], item["e_tag"] = 99, ""
    with pytest.raises(StateEtagConflict):
        await storage.write({"k": item})
    assert (await storage.read(["k"]))["k"]["count"] == 1


async def test_batch_write_read_and_delete(storage):
    await storage.write({"b1": {"count": 10}, "b2": {"count": 20}, "b3": {"count": 30}})
    assert {k: v["count"] for k, v in (await storage.read(["b1", "b2", "b3"])).items()} == {"b1": 10, "b2": 20, "b3": 30}
    await storage.delete(["b1", "b2", "b3"])
    assert await storage.read(["b1", "b2", "b3"]) == {}


def name_bot(storage):
    """A waterfall that asks a name at a text prompt and greets it, its state in `storage`."""
    from botbuilder.core import ConversationState, TurnContext
    from botbuilder.core.adapters import TestAdapter
    from botbuilder.dialogs import DialogSet, DialogTurnStatus, WaterfallDialog, WaterfallStepContext
    from botbuilder.dialogs.prompts import TextPrompt

    state = ConversationState(storage)
    dialogs = DialogSet(state.create_property("dialogState"))

    async def ask(step: WaterfallStepContext):
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Name?")))

    async def answer(step: WaterfallStepContext):
        await step.context.send_activity(f"Hello {step.result}")
        return await step.end_dialog()

    dialogs.add(TextPrompt("text"))
    dialogs.add(WaterfallDialog("w", [ask, answer]))

    async def turn(context: TurnContext):
        dc = await dialogs.create_context(context)
        if (await dc.continue_dialog()).status == DialogTurnStatus.Empty:
            await dc.begin_dialog("w")
        await state.save_changes(context)

    return TestAdapter(turn)


async def test_a_waterfall_with_a_prompt_survives_between_turns(storage):
    adapter = name_bot(storage)
    flow = await adapter.send("hi")
    flow = await flow.assert_reply("Name?")
    flow = await flow.send("Adele")
    await flow.assert_reply("Hello Adele")


# Versions: every bot state document carries "schema": 2 like every other stored document.

async def test_written_state_carries_the_schema_version(storage, store):
    await storage.write({"conv/1": {"count": 1}})
    doc_id = document_id("conv/1")
    assert (await store.read(BOT_STATE, doc_id, doc_id)).body["schema"] == 2


async def test_a_version_1_state_carries_on_the_conversation_and_gains_its_version_on_the_next_write(storage, store):
    doc_id = document_id(V1_KEY)
    await store.upsert(BOT_STATE, doc_id, doc_id, V1_STATE)
    flow = await name_bot(storage).send("Adele")  # the old state's prompt was waiting: it takes the answer
    await flow.assert_reply("Hello Adele")
    upgraded = (await store.read(BOT_STATE, doc_id, doc_id)).body
    assert upgraded["schema"] == 2 and upgraded["key"] == V1_KEY


async def test_a_version_1_state_reads_as_it_was_written(storage, store):
    doc_id = document_id(V1_KEY)
    await store.upsert(BOT_STATE, doc_id, doc_id, V1_STATE)
    stack = (await storage.read([V1_KEY]))[V1_KEY]["dialogState"].dialog_stack
    assert [i.id for i in stack] == ["text", "w"] and stack[0].state["options"].prompt.text == "Name?"


def test_a_state_from_a_newer_tandem_is_refused_like_a_corrupt_document():
    for version in (3, "2", None, 0):
        with pytest.raises(StateUnreadable) as refused:
            stored_state({**V1_STATE, "schema": version}, "d1")
        assert isinstance(refused.value, DocumentCorrupt) and "Name?" not in str(refused.value)
    assert stored_state({**V1_STATE, "schema": 2}, "d1")["dialogState"].dialog_stack[0].id == "text"


async def test_a_state_from_a_newer_tandem_starts_the_conversation_afresh_with_a_log_line(storage, store, caplog):
    doc_id = document_id(V1_KEY)
    await store.upsert(BOT_STATE, doc_id, doc_id, {**V1_STATE, "schema": 3})
    with caplog.at_level(logging.WARNING):
        flow = await name_bot(storage).send("Adele")  # not taken as the answer: the dialog starts again
        await flow.assert_reply("Name?")
    assert "schema version 3" in caplog.text and "starts afresh" in caplog.text and "Name?" not in caplog.text
    assert (await store.read(BOT_STATE, doc_id, doc_id)).body["schema"] == 2  # the fresh state replaced it


async def test_a_newer_tandems_state_is_replaced_only_if_no_one_wrote_it_since(storage, store):
    doc_id = document_id(V1_KEY)
    await store.upsert(BOT_STATE, doc_id, doc_id, {**V1_STATE, "schema": 3})
    fresh = (await storage.read([V1_KEY]))[V1_KEY]
    assert set(fresh) == {"e_tag"}  # nothing of what it held
    await store.upsert(BOT_STATE, doc_id, doc_id, {**V1_STATE, "schema": 3, "state": {}})  # the newer Tandem writes again
    with pytest.raises(StateEtagConflict):
        await storage.write({V1_KEY: {**fresh, "count": 1}})
