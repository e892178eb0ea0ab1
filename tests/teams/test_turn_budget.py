"""A turn has a time budget: with a store that takes seconds to answer, every store call in the turn
takes only what is left of it, the person is answered within the budget ("busy" or "not sure"), and
nothing is half-done: the partner hears of a change exactly when it landed."""

from __future__ import annotations

import time
from datetime import timedelta

from bot.storage.budgeted import BudgetedStore
from bot.storage.documents import StoreBusy
from bot.storage.sqlite_store import SqliteDocumentStore
from bot.deadline import remaining, turn_deadline
from cards import verbs
from tests.dialogs.harness import World, press, user
from tests.domain.builders import clauses
from tests.support.faulty_store import SLOW, Fault, FaultyStore

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
BUDGET = 2.0


async def test_a_turn_against_a_slow_store_answers_within_its_budget_and_leaves_nothing_half_done(tmp_path):
    faulty = FaultyStore(await SqliteDocumentStore.open(tmp_path / "slow.sqlite3"))
    world = World(BudgetedStore(faulty))
    world.bot.turn_budget_seconds = BUDGET
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    version = (await world.services.contracts.propose(MENTEE, pair_id, clauses())).number
    chat = world.chat(MENTOR)
    await chat.say("hello")
    faulty.inject(Fault(SLOW, "read", delay=0.7))  # every read takes 0.7 s: the step needs many
    started = time.monotonic()
    status, body, _ = await press(chat, verbs.CONTRACT_ACCEPT, {"pairId": pair_id, "version": version})
    took = time.monotonic() - started
    faulty.clear()
    print(f"turn answered in {took:.2f} s with a {BUDGET} s budget")
    assert took < BUDGET + 1.0, took  # one call past the deadline is cut off, nothing more is asked
    shown = str(body)
    assert "busy" in shown or "didn't answer in time" in shown, shown
    in_force = (await world.services.ctx.repos.pairs.contract(pair_id)).in_force is not None
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()
    told = sum("accepted version 1" in m.text for m in world.messenger.to(MENTEE.id))
    assert told == (1 if in_force else 0)
    status, body, _ = await press(chat, verbs.CONTRACT_ACCEPT, {"pairId": pair_id, "version": version})
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).in_force is not None
    assert sum("accepted version 1" in m.text for m in world.messenger.to(MENTEE.id)) == 1
    await faulty.close()


async def test_past_the_deadline_the_store_is_not_asked_at_all(tmp_path):
    faulty = FaultyStore(await SqliteDocumentStore.open(tmp_path / "late.sqlite3"))
    store = BudgetedStore(faulty)
    with turn_deadline(0.0):
        assert remaining() == 0.0
        try:
            await store.create("people", "p", "p", {"a": 1})
            raise AssertionError("a write past the deadline was made")
        except StoreBusy:
            pass
    assert faulty.writes == [] and remaining() is None
    await store.create("people", "p", "p", {"a": 1})  # outside a turn: no deadline
    assert len(faulty.writes) == 1
    await store.close()
