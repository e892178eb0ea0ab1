"""Booking a session in the hour the clocks go back: the bot asks which 01:30, and books that one."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.domain.sessions import SessionStatus
from tests.dialogs.harness import World, text_of, user
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
AUTUMN = datetime(2027, 10, 20, 9, 0, tzinfo=timezone.utc)


async def pair_in_autumn(world: World) -> str:
    world.clock.set(AUTUMN)
    for person in (MENTOR, MENTEE):
        await world.services.pairs.register(person, {"conversation": {"id": f"conv-{person.aad_object_id}"}})
    programme = await world.programme(MANAGER, "Autumn pilot", date(2028, 3, 31))
    pair = await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, MENTEE)
    terms = clauses(start_date=date(2027, 10, 20), review_date=date(2027, 12, 20), end_date=date(2028, 3, 1))
    version = await world.services.contracts.propose(MENTEE, pair.id, terms)
    await world.services.contracts.accept(MENTOR, pair.id, version.number)
    return pair.id


async def proposed(world: World, pair_id: str) -> list:
    schedule = await world.services.ctx.repos.pairs.schedule(pair_id)
    return [s for s in schedule.sessions if s.status is SessionStatus.PROPOSED]


async def test_an_ambiguous_time_is_asked_about_and_nothing_is_booked_until_answered(world):
    pair_id = await pair_in_autumn(world)
    chat = world.chat(MENTEE)
    await chat.say("schedule")
    question = text_of(await chat.say("31/10/2027 01:30"))
    assert "happens twice" in question and "01:30 BST (the first)" in question and "01:30 GMT (the second)" in question
    assert await proposed(world, pair_id) == []


@pytest.mark.parametrize("answer, utc_hour", [("GMT", 1), ("01:30 BST", 0), ("the second", 1)])
async def test_the_answer_books_the_reading_chosen(world, answer, utc_hour):
    pair_id = await pair_in_autumn(world)
    chat = world.chat(MENTEE)
    await chat.say("schedule")
    await chat.say("31/10/2027 01:30")
    reply = text_of(await chat.say(answer))
    assert "Proposed" in reply
    [session] = await proposed(world, pair_id)
    assert session.starts_at == datetime(2027, 10, 31, utc_hour, 30, tzinfo=timezone.utc)
    assert ("GMT" if utc_hour else "BST") in reply


async def test_explicit_gmt_typed_at_once_books_the_second_0130(world):
    pair_id = await pair_in_autumn(world)
    chat = world.chat(MENTEE)
    await chat.say("schedule")
    assert "Proposed" in text_of(await chat.say("31/10/2027 01:30 GMT"))
    [session] = await proposed(world, pair_id)
    assert session.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=timezone.utc)


async def test_after_the_question_a_different_full_time_is_read_afresh(world):
    pair_id = await pair_in_autumn(world)
    chat = world.chat(MENTEE)
    await chat.say("schedule")
    await chat.say("31/10/2027 01:30")
    assert "Proposed" in text_of(await chat.say("02/11/2027 10:00"))
    [session] = await proposed(world, pair_id)
    assert session.starts_at == datetime(2027, 11, 2, 10, 0, tzinfo=timezone.utc)


async def test_a_time_the_clocks_skip_is_still_refused(world):
    pair_id = await pair_in_autumn(world)
    chat = world.chat(MENTEE)
    await chat.say("schedule")
    assert "does not exist" in text_of(await chat.say("26/03/2028 01:30 GMT"))
    assert await proposed(world, pair_id) == []
