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


async def test_a_waterfall_with_a_prompt_survives_between_turns(storage):
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

    adapter = TestAdapter(turn)
    flow = await adapter.send("hi")
    flow = await flow.assert_reply("Name?")
    flow = await flow.send("Adele")
    await flow.assert_reply("Hello Adele")
