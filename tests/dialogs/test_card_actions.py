"""Card buttons (Universal Actions): who acts comes from the activity, and the card is replaced in place."""

from __future__ import annotations

import json

import pytest

from bot.domain.contracts import ContractStatus
from cards import verbs
from tests.dialogs.harness import World, press, text_of, user
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE, OUTSIDER = user("Manager"), user("Megan"), user("Adele"), user("Sam")
CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"




async def proposed(world: World) -> str:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.contracts.propose(MENTEE, pair_id, clauses())
    return pair_id


async def test_accept_replaces_the_card_with_one_without_buttons(world):
    pair_id = await proposed(world)
    status, body, _ = await press(world.chat(MENTOR), verbs.CONTRACT_ACCEPT, {"pairId": pair_id, "version": 1})
    assert status == 200 and body["type"] == CARD
    assert "actions" not in body["value"] and "in force" in str(body["value"])
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).in_force.number == 1


async def test_someone_else_pressing_a_forwarded_card_is_refused(world):
    pair_id = await proposed(world)
    status, body, _ = await press(world.chat(OUTSIDER), verbs.CONTRACT_ACCEPT, {"pairId": pair_id, "version": 1})
    assert status == 200 and body["type"] == MESSAGE and "Only the two people" in body["value"]
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).pending.status is ContractStatus.PROPOSED


async def test_card_data_cannot_name_the_actor(world):
    pair_id = await proposed(world)
    data = {"pairId": pair_id, "version": 1, "actor": MENTOR.id, "from": {"aadObjectId": MENTOR.aad_object_id}}
    _, body, _ = await press(world.chat(OUTSIDER), verbs.CONTRACT_ACCEPT, data)
    assert "Only the two people" in body["value"]


async def test_a_card_with_missing_or_garbled_data_gets_a_kind_message(world):
    await proposed(world)
    for data in ({}, {"pairId": "p1", "version": "seven"}):
        status, body, _ = await press(world.chat(MENTOR), verbs.CONTRACT_ACCEPT, data)
        assert status == 200 and body["type"] == MESSAGE and "out of date" in body["value"]


async def test_an_unknown_button_is_a_400_with_a_message(world):
    status, body, _ = await press(world.chat(MENTOR), "contract.explode", {"pairId": "x"})
    assert status == 400 and "don't know that button" in body["value"]


async def test_a_button_that_starts_a_conversation_continues_in_chat(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    chat = world.chat(MENTEE)
    status, body, sent = await press(chat, verbs.CONTRACT_DRAFT, {"pairId": pair_id})
    assert status == 200 and "Carry on in the chat" in str(body["value"])
    assert "your goals" in text_of(sent)
    assert "How often" in text_of(await chat.say("Build confidence with senior officers"))


async def test_counter_proposal_reschedule_and_cancel_from_the_session_cards(world):
    from datetime import timedelta

    from bot.domain.sessions import SessionStatus
    from bot.domain.uktime import to_uk

    pair_id = await proposed(world)
    await world.services.contracts.accept(MENTOR, pair_id, 1)
    offer = await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=3))
    megan = world.chat(MENTOR)
    _, body, sent = await press(megan, verbs.SESSION_COUNTER, {"pairId": pair_id, "sessionId": offer.id})
    assert "Suggest another time" in str(body["value"]) and "What time would suit you instead" in text_of(sent)
    later = to_uk(offer.starts_at + timedelta(days=1))
    assert "Proposed" in text_of(await megan.say(later.strftime("%d/%m/%Y %H:%M")))
    schedule = await world.services.ctx.repos.pairs.schedule(pair_id)
    counter = next(s for s in schedule.sessions if s.status is SessionStatus.PROPOSED)
    assert schedule.session(offer.id).status is SessionStatus.COUNTERED

    adele = world.chat(MENTEE)
    _, body, _ = await press(adele, verbs.SESSION_ACCEPT, {"pairId": pair_id, "sessionId": counter.id})
    assert "Add to Teams calendar" in str(body["value"])
    _, body, sent = await press(adele, verbs.SESSION_RESCHEDULE, {"pairId": pair_id, "sessionId": counter.id})
    assert "this booking stands" in str(body["value"])
    moved_to = to_uk(counter.starts_at + timedelta(hours=3))
    await adele.say(moved_to.strftime("%d/%m/%Y %H:%M"))
    move = next(s for s in (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions if s.replaces == counter.id)
    await press(megan, verbs.SESSION_ACCEPT, {"pairId": pair_id, "sessionId": move.id})
    schedule = await world.services.ctx.repos.pairs.schedule(pair_id)
    assert schedule.session(counter.id).status is SessionStatus.RESCHEDULED
    _, body, _ = await press(megan, verbs.SESSION_CANCEL, {"pairId": pair_id, "sessionId": move.id})
    assert "You cancelled this session" in str(body["value"])
    _, again, _ = await press(megan, verbs.SESSION_CANCEL, {"pairId": pair_id, "sessionId": move.id})
    # Pressed again (a stale card): answered kindly, and the card is replaced by one with no buttons left.
    assert again["type"] == CARD and "already cancelled" in str(again["value"]) and "actions" not in again["value"]
    assert (await world.services.ctx.repos.pairs.schedule(pair_id)).upcoming(world.clock.now()) == []


async def test_manager_acknowledges_an_alert_from_its_card_and_others_are_refused(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    data = {"programmeId": alert.programme_id, "alertId": alert.id, "pairId": pair_id}
    _, refused, _ = await press(world.chat(MENTOR), verbs.ALERT_ACKNOWLEDGE, data)
    assert refused["type"] == MESSAGE and "Only the managers" in refused["value"]
    status, body, _ = await press(world.chat(MANAGER), verbs.ALERT_ACKNOWLEDGE, data)
    assert status == 200 and body["type"] == CARD and "Manager acknowledged" in str(body["value"])
    _, resolved, _ = await press(world.chat(MANAGER), verbs.ALERT_RESOLVE, {**data, "note": "Talked it through"})
    assert "Resolved by Manager" in str(resolved["value"]) and "actions" not in resolved["value"]
    _, blank, _ = await press(world.chat(MANAGER), verbs.ALERT_RESOLVE, {**data, "note": ""})
    assert blank["type"] == MESSAGE and "already resolved" in blank["value"]


async def test_asking_for_help_is_only_done_in_personal_chat_and_tells_the_manager(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    replies = text_of(await world.chat(MENTEE).say("ask for help: we can't find a time that works"))
    assert "asked your programme manager" in replies
    assert any("we can't find a time that works" in json.dumps(m.card) for m in world.messenger.to(MANAGER.id) if m.card)
