"""Bad input from people, through the real bot: limits are stated at the prompt, nothing is saved, and
hostile names and notes reach the other person's messages as text."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import limits
from bot.domain.alerts import AlertAction
from tests.dialogs.harness import World, text_of, user
from tests.dialogs.test_dialogs import draft_contract
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
HOSTILE_NAME = "[Chief Constable](http://evil.example) <at>Everyone</at>\u202e\u200b" + "x" * 200


def hostile(actor):
    return replace(actor, name=HOSTILE_NAME)


def neutral(text: str) -> None:
    assert "[Chief Constable](" not in text and "<at>" not in text
    assert "\u202e" not in text and "\u200b" not in text
    assert "x" * (limits.MAX_DISPLAY_NAME + 1) not in text


async def test_an_over_long_goal_is_refused_at_the_prompt_with_the_limit(world: World):
    await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await chat.say("contract")
    reply = text_of(await chat.say("y" * 412))
    assert f"{limits.MAX_GOAL} characters or fewer" in reply and "412" in reply
    assert "How often" not in reply  # asked again, not moved on


async def test_an_over_long_clause_is_refused_at_the_prompt_and_the_draft_is_kept(world: World):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await draft_contract(world, chat)
    await chat.say("Boundaries")
    reply = text_of(await chat.say("z" * (limits.MAX_CLAUSE + 5)))
    assert f"{limits.MAX_CLAUSE} characters or fewer" in reply and str(limits.MAX_CLAUSE + 5) in reply
    assert "Your draft contract" in text_of(await chat.say("Keep to mentoring"))
    assert "Sent version 1" in text_of(await chat.say("Send it"))
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).versions[0].clauses.boundaries == "Keep to mentoring"


async def test_an_over_long_help_note_is_refused_and_no_manager_is_told(world: World):
    await world.pair(MANAGER, MENTOR, MENTEE)
    before = len(world.messenger.to(MANAGER.id))
    reply = text_of(await world.chat(MENTEE).say("ask for help " + "w" * (limits.MAX_REQUEST_NOTE + 1)))
    assert f"{limits.MAX_REQUEST_NOTE} characters or fewer" in reply
    assert len(world.messenger.to(MANAGER.id)) == before


async def test_a_hostile_display_name_reaches_the_partner_as_text(world: World):
    mentee = hostile(MENTEE)
    pair_id = await world.pair(MANAGER, MENTOR, mentee)
    await world.services.contracts.propose(mentee, pair_id, clauses())
    for message in world.messenger.to(MENTOR.id):
        neutral(message.text)
        if message.card:
            neutral(str(message.card))
    assert any("\\[Chief Constable\\]" in m.text for m in world.messenger.to(MENTOR.id))


async def test_a_managers_message_to_the_pair_is_shown_as_text(world: World):
    manager = hostile(MANAGER)
    pair_id = await world.pair(manager, MENTOR, MENTEE)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    await world.services.alerts.act(manager, alert.programme_id, alert.id, AlertAction.MESSAGE,
                                    "Click ![here](http://evil.example/p.png) <at>all</at>")
    [message] = [m for m in world.messenger.to(MENTEE.id) if "A message from" in m.text]
    neutral(message.text)
    assert "!\\[here\\](http://evil.example/p.png)" in message.text and "<at>all" not in message.text


async def test_pairing_people_with_hostile_names_replies_in_text(world: World):
    await world.programme(MANAGER)
    world.mentions = [hostile(MENTOR), MENTEE]
    reply = text_of(await world.chat(MANAGER).say("pair <at>Megan</at> <at>Adele</at>"))
    assert "Paired" in reply
    neutral(reply)
