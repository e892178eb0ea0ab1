"""Late answers about a session that has moved out of the live schedule to history (it ended over 60 days ago):
a late reflection on it is saved like any other, through the service and through its card's button; a late
"did it happen?" changes nothing and says kindly that its attendance is settled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import AlreadyDone, InvalidState
from bot.domain.people import Role
from bot.domain.sessions import SessionStatus
from bot.storage.documents import PAIRS
from tests.dialogs.harness import World, press, text_of, user

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
WEEKS = 12


async def pair_meeting_weekly(world: World) -> tuple[str, str]:
    """A pair that has met weekly for twelve weeks: their first session has moved out to history."""
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    first = (await world.hold_session(pair_id, MENTOR, MENTEE)).id
    for _ in range(WEEKS - 1):
        world.clock.advance(timedelta(days=4))
        await world.hold_session(pair_id, MENTOR, MENTEE)
    live = await world.services.ctx.repos.pairs.schedule(pair_id)
    assert first not in {s.id for s in live.sessions}, "the first session should have moved out by now"
    assert (await world.store.read(PAIRS, pair_id, f"session.{first}")).body["status"] == SessionStatus.HELD.value
    return pair_id, first


async def test_a_late_reflection_on_a_session_moved_out_to_history_is_saved(world: World):
    pair_id, first = await pair_meeting_weekly(world)
    reflection = await world.services.reflections.write(MENTEE, pair_id, first, "Stop and search", "Complaints", "Ask more", 4, False)
    assert reflection.session_id == first and reflection.role is Role.MENTEE
    own, _ = await world.services.reflections.mine(MENTEE)
    assert [r.session_id for r in own] == [first]


async def test_the_write_my_reflection_button_on_an_old_card_still_starts_and_saves_it(world: World):
    pair_id, first = await pair_meeting_weekly(world)
    chat = world.chat(MENTOR)
    status, body, sent = await press(chat, "reflection.start", {"pairId": pair_id, "sessionId": first})
    assert status == 200 and "What did you discuss" in text_of(sent)
    await chat.say("Stop and search in my borough")
    await chat.say("How complaints are handled")
    await chat.say("Draft three questions for next time")
    await chat.say("5")
    assert "Reflection saved privately" in text_of(await chat.say("no"))
    own, _ = await world.services.reflections.mine(MENTOR)
    assert [r.session_id for r in own] == [first]


async def test_a_late_attendance_answer_on_a_moved_out_session_changes_nothing_and_says_it_is_settled(world: World):
    pair_id, first = await pair_meeting_weekly(world)
    stored = (await world.store.read(PAIRS, pair_id, f"session.{first}")).body
    live = (await world.store.read(PAIRS, pair_id, "schedule")).body
    with pytest.raises(InvalidState) as settled:
        await world.services.sessions.record_attendance(MENTEE, pair_id, first, False)
    assert "more than 60 days ago" in settled.value.message and "stays recorded as held" in settled.value.message
    assert "still write a reflection" in settled.value.message
    with pytest.raises(AlreadyDone, match="Already recorded: the session held"):
        await world.services.sessions.record_attendance(MENTOR, pair_id, first, True)
    assert (await world.store.read(PAIRS, pair_id, f"session.{first}")).body == stored
    assert (await world.store.read(PAIRS, pair_id, "schedule")).body == live


async def test_pressing_it_didnt_happen_on_an_old_card_is_answered_kindly_by_the_card(world: World):
    pair_id, first = await pair_meeting_weekly(world)
    status, body, sent = await press(world.chat(MENTEE), "session.missed", {"pairId": pair_id, "sessionId": first})
    assert "whether it happened is settled" in body["value"] and "can't find" not in body["value"]
