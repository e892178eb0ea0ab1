"""Suggested times never fall on a session the pair already has, booked or waiting for an answer, even
when no Outlook diary shows it (no Graph)."""

from __future__ import annotations

from bot.domain.intervals import Interval
from tests.dialogs.harness import World, user

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


def overlaps_any(slot, sessions) -> bool:
    return any(Interval(slot.starts_at, slot.ends_at).overlaps(Interval(s.starts_at, s.ends_at)) for s in sessions)


async def test_suggestions_leave_out_the_pairs_booked_and_proposed_sessions(world: World):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    sessions = world.services.sessions
    first = await world.services.suggestions.suggest(MENTEE, pair_id)
    assert len(first.slots) == 3
    booked = await sessions.propose(MENTEE, pair_id, first.slots[0].starts_at)
    await sessions.accept(MENTOR, pair_id, booked.id)
    waiting = await sessions.propose(MENTOR, pair_id, first.slots[1].starts_at)

    again = await world.services.suggestions.suggest(MENTEE, pair_id)

    assert len(again.slots) == 3
    taken = {booked.starts_at, waiting.starts_at}
    assert not taken & {s.starts_at for s in again.slots}
    assert not any(overlaps_any(slot, (booked, waiting)) for slot in again.slots)


async def test_a_cancelled_session_frees_its_time_again(world: World):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    sessions = world.services.sessions
    first = await world.services.suggestions.suggest(MENTEE, pair_id)
    booked = await sessions.propose(MENTEE, pair_id, first.slots[0].starts_at)
    await sessions.accept(MENTOR, pair_id, booked.id)
    assert first.slots[0].starts_at not in {s.starts_at for s in (await world.services.suggestions.suggest(MENTEE, pair_id)).slots}

    await sessions.cancel(MENTOR, pair_id, booked.id)

    assert (await world.services.suggestions.suggest(MENTEE, pair_id)).slots[0].starts_at == first.slots[0].starts_at
