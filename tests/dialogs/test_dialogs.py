"""Conversations with the bot, turn by turn: drafting a contract, scheduling, reflecting, help and cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botbuilder.schema import Entity

from bot.domain.sessions import SessionStatus
from bot.domain.uktime import to_uk
from tests.dialogs.harness import World, text_of, user

MANAGER, MENTOR, MENTEE, STRANGER = user("Manager"), user("Megan"), user("Adele"), user("Sam")




async def draft_contract(world: World, chat) -> None:
    assert "your goals" in text_of(await chat.say("contract"))
    assert "How often" in text_of(await chat.say("Understand knife crime in Newham\nSpeak up in senior meetings"))
    assert "How long" in text_of(await chat.say("monthly"))
    assert "How will you meet" in text_of(await chat.say("60"))
    assert "keep in touch" in text_of(await chat.say("Teams call"))
    assert "boundaries" in text_of(await chat.say("default"))
    assert "Your draft contract" in text_of(await chat.say("default"))


async def test_mentee_drafts_contract_and_mentor_is_sent_it_to_accept(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await draft_contract(world, chat)
    assert "Sent version 1" in text_of(await chat.say("Send it"))
    contract = await world.services.ctx.repos.pairs.contract(pair_id)
    assert contract.pending.number == 1 and contract.in_force is None
    to_mentor = world.messenger.to(MENTOR.id)[-1]
    verbs = [a["verb"] for a in to_mentor.card["actions"]]
    assert verbs == ["contract.accept", "contract.change"]


async def test_draft_can_change_a_clause_before_sending(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await draft_contract(world, chat)
    assert "When should the contract end" in text_of(await chat.say("End date"))
    assert "Please pick an end date from" in text_of(await chat.say("31/12/2099"))  # refused when given, not on sending
    assert "couldn't read 'Send it' as a date" in text_of(await chat.say("Send it"))  # the question still waits
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).versions == ()
    await chat.say("keep")
    assert "Sent version 1" in text_of(await chat.say("Send it"))


async def test_cancel_leaves_the_draft_and_saves_nothing(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await chat.say("contract")
    assert "Cancelled" in text_of(await chat.say("cancel"))
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).versions == ()
    assert "didn't understand" in text_of(await chat.say("monthly"))  # no longer inside the dialog


async def test_help_mid_dialog_explains_the_step_and_asks_again(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await chat.say("contract")
    replies = text_of(await chat.say("help"))
    assert "drafting your mentoring contract" in replies and "your goals" in replies


async def test_goals_out_of_range_are_reprompted_kindly(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await chat.say("contract")
    assert "1 to 3 goals" in text_of(await chat.say("a\nb\nc\nd"))


async def test_mentor_cannot_draft_the_first_version(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    replies = text_of(await world.chat(MENTOR).say("contract"))
    assert "drafts it" in replies and "Draft the contract" not in replies


async def agree_contract(world: World, pair_id: str) -> None:
    chat = world.chat(MENTEE)
    await draft_contract(world, chat)
    await chat.say("Send it")
    await world.services.contracts.accept(MENTOR, pair_id, 1)


async def test_session_time_is_reprompted_for_unreadable_past_clashing_and_late_input(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await agree_contract(world, pair_id)
    booked = await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=3))
    await world.services.sessions.accept(MENTOR, pair_id, booked.id)
    chat = world.chat(MENTOR)
    assert "When would you like to meet" in text_of(await chat.say("schedule"))
    assert "couldn't read" in text_of(await chat.say("32/13/2027 25:00"))
    assert "has passed" in text_of(await chat.say("01/01/2027 10:00"))
    clash = to_uk(booked.starts_at + timedelta(minutes=30)).strftime("%d/%m/%Y %H:%M")
    assert "clashes with your session" in text_of(await chat.say(clash))
    assert "after your contract ends" in text_of(await chat.say("01/06/2099 10:00"))
    schedule = await world.services.ctx.repos.pairs.schedule(pair_id)
    assert len(schedule.sessions) == 1  # nothing was proposed by the bad answers
    assert "Proposed" in text_of(await chat.say("20/01/2027 14:00"))
    assert [s.status for s in (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions] == [SessionStatus.CONFIRMED, SessionStatus.PROPOSED]


async def test_reflection_is_saved_private_unless_shared(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await agree_contract(world, pair_id)
    session = await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=3))
    await world.services.sessions.accept(MENTOR, pair_id, session.id)
    world.clock.advance(timedelta(days=4))
    await world.services.sessions.record_attendance(MENTOR, pair_id, session.id, True)
    await world.services.sessions.record_attendance(MENTEE, pair_id, session.id, True)
    chat = world.chat(MENTEE)
    assert "What did you discuss" in text_of(await chat.say("reflect"))
    await chat.say("Stop and search in my borough")
    await chat.say("How complaints are handled")
    assert "How useful" in text_of(await chat.say("Draft three questions for next time"))
    assert "Say a number from 1 (not useful) to 5" in text_of(await chat.say("7"))  # out of range: asked again
    assert "Share this reflection" in text_of(await chat.say("5"))
    assert "privately" in text_of(await chat.say("no"))
    own, _ = await world.services.reflections.mine(MENTEE)
    assert [r.discussed for r in own] == ["Stop and search in my borough"]
    _, shared_with_mentor = await world.services.reflections.mine(MENTOR)
    assert shared_with_mentor == []
    assert "Stop and search" not in text_of(await world.chat(MENTOR).say("my reflections"))


async def test_unknown_text_gets_a_short_useful_answer(world):
    replies = text_of(await world.chat(STRANGER).say("what is the meaning of life"))
    assert "didn't understand" in replies and "help" in replies


async def test_help_depends_on_role(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    assert "pair @mentor @mentee" in text_of(await world.chat(MANAGER).say("help"))
    mentee_help = text_of(await world.chat(MENTEE).say("help"))
    assert "draft your contract" in mentee_help and "pair @mentor" not in mentee_help
    assert "not in a mentoring pair yet" in text_of(await world.chat(STRANGER).say("help"))


async def test_group_chat_answers_only_when_mentioned_and_strips_the_mention(world):
    chat = world.chat(MANAGER, conversation_type="groupChat")
    assert await chat.say("help") == []
    mention = {"type": "mention", "mentioned": {"id": "28:tandem", "name": "Tandem"}, "text": "<at>Tandem</at>"}
    replies = text_of(await chat.say("<at>Tandem</at> help", entities=[Entity().deserialize(mention)]))
    assert "Here's what you can do" in replies


async def test_only_a_programme_manager_can_pair(world):
    await world.programme(MANAGER, "Pilot")
    world.mentions = [MENTOR, MENTEE]
    replies = text_of(await world.chat(STRANGER).say("pair <at>Megan</at> <at>Adele</at>"))
    assert "Only a programme's managers" in replies
    assert (await world.services.pairs.views(MENTOR)) == []


async def test_manager_pairs_two_people_and_both_are_told(world):
    await world.programme(MANAGER, "Reverse mentoring pilot")
    world.mentions = [MENTOR, MENTEE]
    replies = text_of(await world.chat(MANAGER).say("pair <at>Megan</at> <at>Adele</at>"))
    assert "Paired Megan (mentor) with Adele (mentee)" in replies
    assert any("your mentee is Adele" in m.text for m in world.messenger.to(MENTOR.id)) or (await world.services.ctx.repos.people.get(MENTOR.id)).pending_notices


async def test_unidentified_sender_is_told_kindly(world):
    chat = world.chat(MENTEE)
    chat.adapter.template.from_property.aad_object_id = None
    assert "couldn't tell who you are" in text_of(await chat.say("help"))


async def test_reflections_are_never_handled_in_a_group_chat(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE, conversation_type="groupChat")
    mention = {"type": "mention", "mentioned": {"id": "28:tandem", "name": "Tandem"}, "text": "<at>Tandem</at>"}
    replies = text_of(await chat.say("<at>Tandem</at> my reflections", entities=[Entity().deserialize(mention)]))
    assert "only show them in our personal chat" in replies and "My reflections" not in replies
    assert "https://teams.microsoft.com/l/chat/0/0?users=28:tandem" in replies  # a link to the personal chat


async def test_in_a_group_chat_one_persons_dialog_is_not_answered_by_another(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    mention = [Entity().deserialize({"type": "mention", "mentioned": {"id": "28:tandem", "name": "Tandem"}, "text": "<at>Tandem</at>"})]
    adele = world.chat(MENTEE, conversation_type="groupChat")
    megan = world.chat(MENTOR, conversation_type="groupChat")
    megan.adapter.template.conversation = adele.adapter.template.conversation  # the same group chat
    assert "When would you like to meet" in text_of(await adele.say("<at>Tandem</at> schedule", entities=mention))
    assert "didn't understand" in text_of(await megan.say("<at>Tandem</at> Win the league", entities=mention))
    assert "couldn't read \"next tuesday-ish\" as a day and time" in text_of(await adele.say("<at>Tandem</at> next tuesday-ish", entities=mention))


async def test_bot_state_costs_at_most_one_read_and_one_write_per_turn(world):
    from bot.storage.metered import counting

    await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    await chat.say("help")  # the first turn of a conversation finds no state yet
    for text in ("contract", "Understand knife crime", "monthly", "60", "cancel", "sessions"):
        with counting() as trips:
            await chat.say(text)
        assert trips.state_reads <= 1 and trips.state_writes <= 1, (text, trips)
        assert trips.state_reads == 1  # and it is read once, not per dialog step


async def test_contract_shows_the_version_in_force_and_its_history_after_an_amendment(world):
    from tests.domain.builders import clauses

    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    await world.services.contracts.propose(MENTOR, pair_id, clauses(meeting_minutes=90))
    replies = text_of(await world.chat(MENTEE).say("contract"))
    assert "Mentoring contract, version 1" in replies and "proposed amendment" in replies
    assert "Contract history" in replies and "Version 2" in replies
