"""'my shifts': a rota typed in one go, or set from its card by pressing; 'ask' and 'none'; what is held is
shown back; and the suggested times then keep clear of the shifts (through the real SuggestionService)."""

from __future__ import annotations

import datetime as dt

from bot.domain.uktime import UK
from tests.dialogs.harness import START, World, text_of, user
from tests.dialogs.test_answers import button, inputs, last_card, tap

MANAGER, MEGAN, ADELE = user("Manager"), user("Megan Bowen"), user("Adele Vance")


async def held(world: World, who) -> dict | None:
    person = await world.services.ctx.repos.people.find(who.id)
    return person.shift_pattern if person else None


async def test_a_rota_typed_with_the_command_is_saved_from_today_and_said_back(world: World):
    replies = text_of(await world.chat(MEGAN).say("my shifts EELLNN----"))
    assert "Saved. Your shift pattern: EELLNN---- from" in replies and "(today: early)" in replies
    assert (await held(world, MEGAN))["cycle"] == "EELLNN----"
    assert (await held(world, MEGAN))["anchor"] == START.astimezone(UK).date().isoformat()


async def test_ask_and_none_typed_with_the_command(world: World):
    chat = world.chat(MEGAN)
    assert "you'll tell me each time" in text_of(await chat.say("my shifts ask"))
    assert await held(world, MEGAN) == {"kind": "ask"}
    assert "no shift pattern" in text_of(await chat.say("my shifts none"))
    assert await held(world, MEGAN) is None


async def test_a_rota_with_a_letter_that_is_no_shift_is_refused_kindly_and_nothing_is_saved(world: World):
    replies = text_of(await world.chat(MEGAN).say("my shifts EEXX"))
    assert "'X' is not a shift I know" in replies and "Traceback" not in replies
    assert await held(world, MEGAN) is None


async def test_my_shifts_alone_shows_what_is_held_and_a_card_to_set_it_by_pressing(world: World):
    chat = world.chat(MEGAN)
    await chat.say("my shifts ask")
    replies = await chat.say("my shifts")
    assert "Your shift pattern: you'll tell me each time." in text_of(replies)
    assert "**my shifts EELLNN----**" in text_of(replies)
    card = last_card(replies)
    assert inputs(card)["text"]["label"] == "Your rota, one letter a day from today"
    assert button(card, "Tell me each time") and button(card, "No shift pattern")

    status, body, sent = await tap(chat, card, "No shift pattern")
    assert status == 200 and "Your answer: No shift pattern" in str(body["value"])
    assert "Saved. Your shift pattern: no shift pattern" in text_of(sent)
    assert await held(world, MEGAN) is None


async def test_a_rota_entered_in_the_box_is_checked_and_saved_by_pressing(world: World):
    chat = world.chat(MEGAN)
    card = last_card(await chat.say("my shifts"))
    status, body, sent = await tap(chat, card, "Save my rota", text="NNZZ")
    assert status == 200 and "not a shift I know" in text_of(sent)
    assert inputs(body["value"])["text"]  # the card stays, to fix and press again
    _, _, sent = await tap(chat, card, "Save my rota", text="NNNN----")
    assert "Saved. Your shift pattern: NNNN---- from" in text_of(sent)
    assert (await held(world, MEGAN))["cycle"] == "NNNN----"


async def test_a_rota_typed_at_the_question_is_saved_too(world: World):
    chat = world.chat(MEGAN)
    await chat.say("my shifts")
    assert "you'll tell me each time" in text_of(await chat.say("tell me each time"))
    assert await held(world, MEGAN) == {"kind": "ask"}


async def test_help_lists_my_shifts_for_someone_in_a_pair(world: World):
    await world.pair(MANAGER, MEGAN, ADELE)
    assert "**my shifts**" in text_of(await world.chat(MEGAN).say("help"))


async def test_after_setting_nights_by_command_no_suggested_time_falls_in_a_shift_or_the_sleep_after(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    await world.chat(MEGAN).say("my shifts NNNNNNN")  # nights every day, 23:00-07:00

    found = await world.services.suggestions.suggest(ADELE, pair_id)

    assert len(found.slots) == 3
    for slot in found.slots:
        starts, ends = slot.starts_at.astimezone(UK).time(), slot.ends_at.astimezone(UK).time()
        assert dt.time(14) <= starts and ends <= dt.time(22), slot  # asleep until 14:00, travel from 22:00


async def test_the_schedule_card_offers_only_times_clear_of_the_rota(world: World):
    pair_id = await world.pair(MANAGER, MEGAN, ADELE)
    await world.agree_contract(pair_id, MEGAN, ADELE)
    chat = world.chat(MEGAN)
    await chat.say("my shifts NNNNNNN")
    card = last_card(await chat.say("schedule"))
    times = [b["data"]["answer"] for b in card.get("actions", []) + [
        a for block in card["body"] if block["type"] == "ActionSet" for a in block["actions"]] if "answer" in b["data"]]
    assert len(times) == 3 and all(dt.time(14) <= dt.time.fromisoformat(t.split()[1]) for t in times), times
