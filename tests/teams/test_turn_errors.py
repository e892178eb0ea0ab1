"""What a failed turn does: a reply Teams would not take keeps the person's dialog and tells them kindly;
a broken dialog starts them afresh. Real SDK turn contexts and state, with the send made to fail."""

from __future__ import annotations

import logging

from botbuilder.core import MemoryStorage, PrivateConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount
from msrest.exceptions import ClientRequestError

from app import REPLY_FAILED, SORRY, turn_error_handler


def context(adapter: TestAdapter) -> TurnContext:
    return TurnContext(adapter, Activity(
        type="message", text="hi", channel_id="msteams", service_url="http://127.0.0.1:9/",
        from_property=ChannelAccount(id="29:u"), recipient=ChannelAccount(id="28:bot"),
        conversation=ConversationAccount(id="conv-1")))


async def saved_step(state: PrivateConversationState, turn: TurnContext) -> None:
    await state.create_property("DialogState").set(turn, {"step": "waiting for the goal"})
    await state.save_changes(turn, force=True)


async def step_after(state: PrivateConversationState, adapter: TestAdapter):
    turn = context(adapter)
    await state.load(turn, force=True)
    return await state.create_property("DialogState").get(turn)


async def test_a_failed_reply_keeps_the_dialog_state_and_tells_the_person_kindly(caplog):
    state, adapter = PrivateConversationState(MemoryStorage()), TestAdapter()
    turn = context(adapter)
    await saved_step(state, turn)
    with caplog.at_level(logging.WARNING):
        await turn_error_handler(state)(turn, ClientRequestError("connection refused"))
    assert await step_after(state, adapter) == {"step": "waiting for the goal"}
    assert [a.text for a in adapter.activity_buffer] == [REPLY_FAILED]
    assert "reply in conversation conv-1 failed" in caplog.text and "Traceback" not in caplog.text


class UnreachableConnector(TestAdapter):
    async def send_activities(self, context, activities):
        raise ClientRequestError("connection refused")


async def test_when_teams_will_not_take_the_kind_message_either_the_turn_still_ends_quietly(caplog):
    state, adapter = PrivateConversationState(MemoryStorage()), UnreachableConnector()
    turn = context(adapter)
    await saved_step(state, turn)
    with caplog.at_level(logging.WARNING):
        await turn_error_handler(state)(turn, ClientRequestError("connection refused"))  # must not raise
    assert await step_after(state, adapter) == {"step": "waiting for the goal"}
    assert "could not tell conversation conv-1" in caplog.text


async def test_a_broken_dialog_starts_the_person_afresh(caplog):
    state, adapter = PrivateConversationState(MemoryStorage()), TestAdapter()
    turn = context(adapter)
    await saved_step(state, turn)
    with caplog.at_level(logging.ERROR):
        await turn_error_handler(state)(turn, KeyError("step"))
    assert await step_after(state, adapter) is None
    assert [a.text for a in adapter.activity_buffer] == [SORRY]


async def test_a_failed_reply_during_a_button_press_answers_the_press_itself_not_501():
    state, adapter = PrivateConversationState(MemoryStorage()), TestAdapter()
    turn = context(adapter)
    turn.activity.type, turn.activity.name = "invoke", "adaptiveCard/action"
    await turn_error_handler(state)(turn, ClientRequestError("connection refused"))
    answer = adapter.activity_buffer[-1]
    assert answer.type == "invokeResponse" and answer.value.body["value"] == REPLY_FAILED
