"""'delete my data' in chat: nothing is erased until the person confirms, by card or by typing yes."""

from __future__ import annotations

from cards import verbs
from tests.dialogs.harness import press, text_of, user
from tests.services.test_my_data import MINE, journey

MENTEE = user("Adele")


async def erased(world) -> bool:
    return (await world.services.ctx.repos.people.get(MENTEE.id)).name != "Adele"


async def test_asking_shows_the_confirmation_card_and_erases_nothing(world):
    await journey(world)
    replies = await world.chat(MENTEE).say("delete my data")
    shown = text_of(replies)
    assert verbs.MY_DATA_ERASE in shown and verbs.MY_DATA_KEEP in shown and "Type **yes**" in shown
    assert not await erased(world)


async def test_typing_no_keeps_everything(world):
    await journey(world)
    chat = world.chat(MENTEE)
    await chat.say("delete my data")
    assert "kept everything" in text_of(await chat.say("no"))
    assert not await erased(world)
    assert [r.discussed for r in await world.services.ctx.repos.reflections.by_author(MENTEE.id)] == [MINE]


async def test_typing_yes_erases(world):
    await journey(world)
    chat = world.chat(MENTEE)
    await chat.say("delete my data")
    assert "erased" in text_of(await chat.say("yes"))
    assert await erased(world) and await world.services.ctx.repos.reflections.by_author(MENTEE.id) == []


async def test_anything_else_asks_again_and_erases_nothing(world):
    await journey(world)
    chat = world.chat(MENTEE)
    await chat.say("delete my data")
    assert "yes or no" in text_of(await chat.say("maybe later"))
    assert not await erased(world)


async def test_the_card_buttons_answer_the_same_question(world):
    await journey(world)
    chat = world.chat(MENTEE)
    await chat.say("delete my data")
    status, body, sent = await press(chat, verbs.MY_DATA_KEEP, {})
    assert status == 200 and "keep" in str(body["value"]) and not await erased(world)
    assert "kept everything" in text_of(sent)
    await chat.say("delete my data")
    status, body, sent = await press(chat, verbs.MY_DATA_ERASE, {})
    assert status == 200 and "erased" in text_of(sent) and await erased(world)
    # The waiting typed question was answered by the button: a later "yes" is just a new message.
    assert "erased" not in text_of(await chat.say("yes"))
