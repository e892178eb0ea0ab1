"""A stored record that can't be read, met in the middle of a conversation: the person is told kindly and
truthfully (nothing changed, the team is told), the error is logged without content, and their half-finished
dialog is kept, so it carries on once the record is repaired. Only a broken dialog state starts them afresh.
Through the real bot, with the app's own turn error handler."""

from __future__ import annotations

import logging

from app import SORRY, turn_error_handler
from bot.storage.bot_state import document_id
from bot.storage.documents import BOT_STATE, PAIRS
from bot.teams.handler import UNREADABLE
from tests.dialogs.harness import World, press, text_of, user
from tests.dialogs.test_dialogs import draft_contract

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
SECRET = "my line manager is the problem"  # content in the malformed document: never shown, never logged
MALFORMED = {"schema": 2, "type": "contract", "pairId": 7, "versions": [{"goals": SECRET}]}


def broken_drafts(value):
    """The stored dialog state with every draft's clauses made unreadable."""
    if isinstance(value, dict):
        return {k: {"goals": 3} if k == "clauses" else broken_drafts(v) for k, v in value.items()}
    if isinstance(value, list):
        return [broken_drafts(v) for v in value]
    return value


def with_app_error_handler(world: World, chat):
    """The chat as the app runs it: a turn's exception goes to app.turn_error_handler."""
    chat.adapter.on_turn_error = turn_error_handler(world.bot.conversation_state)
    return chat


async def test_a_corrupt_contract_while_sending_a_draft_keeps_the_draft_and_says_so_kindly(world: World, caplog):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    chat = with_app_error_handler(world, world.chat(MENTEE))
    await draft_contract(world, chat)
    assert "How long" in text_of(await chat.say("Length"))
    assert "Your draft contract" in text_of(await chat.say("45"))  # the draft now holds the person's own change
    await world.store.upsert(PAIRS, pair_id, "contract", MALFORMED)  # the pair's contract document breaks

    with caplog.at_level(logging.INFO):
        replies = text_of(await chat.say("Send it"))
    assert replies == UNREADABLE and SORRY not in replies
    assert "try again" not in replies and "busy" not in replies  # trying again can't help: it isn't said
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all("contract" in r.getMessage() for r in errors)
    assert SECRET not in caplog.text and "Traceback" not in caplog.text

    assert "Pick a clause to change" in text_of(await chat.say("help"))  # still at the review menu, draft and all
    await world.store.delete(PAIRS, pair_id, "contract")  # the team that runs Tandem repairs the record
    assert "Sent version 1" in text_of(await chat.say("Send it"))
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).pending.clauses.meeting_minutes == 45


async def test_a_corrupt_schedule_when_a_button_is_pressed_answers_the_press_kindly(world: World):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    chat = with_app_error_handler(world, world.chat(MENTEE))
    await world.store.upsert(PAIRS, pair_id, "schedule", {"schema": 2, "type": "schedule", "sessions": SECRET})
    status, body, sent = await press(chat, "session.accept", {"pairId": pair_id, "sessionId": "s1"})
    assert body["value"] == UNREADABLE and SECRET not in str(body) and sent == []


async def test_a_broken_draft_in_the_dialog_state_still_starts_the_person_afresh(world: World):
    await world.pair(MANAGER, MENTOR, MENTEE)
    chat = with_app_error_handler(world, world.chat(MENTEE))
    await draft_contract(world, chat)
    key = document_id(f"msteams/conversations/conv-{MENTEE.aad_object_id}-personal/users/{MENTEE.teams_user_id}/{world.bot.conversation_state.namespace}")
    doc = await world.store.read(BOT_STATE, key, key)
    await world.store.upsert(BOT_STATE, key, key, broken_drafts(doc.body))  # the half-written draft itself is unreadable
    assert text_of(await chat.say("Send it")) == SORRY
    assert "didn't understand" in text_of(await chat.say("45"))  # no longer inside the draft: started afresh
