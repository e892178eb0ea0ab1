"""A step's state change and the messages it causes are one write: every write a step makes is failed in
turn (refused, unanswered, or landed with its answer lost), and the step is also cut off between its write
and its relay. Whatever happens, the other side is told exactly once if and only if the change landed,
and the person is told "done" only if it did (0 lost, 0 duplicated, every reply truthful)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.outbox import DocRef
from bot.storage.documents import OUTBOX_FIELD, PAIRS, REFLECTIONS
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World
from tests.services.test_truthful_replies import OPERATIONS, Operation, outcome
from tests.support.faulty_store import LOST, THROTTLE, TIMEOUT, Fault, FaultyStore

PAIR_STEPS = [op for op in OPERATIONS if op.main[0] in (PAIRS, REFLECTIONS)]  # the steps that tell a partner


async def fresh(tmp_path, name: str) -> tuple[World, FaultyStore]:
    store = FaultyStore(await SqliteDocumentStore.open(tmp_path / f"{name}.sqlite3"))
    return World(store), store


async def writes_of(tmp_path, operation: Operation) -> int:
    """How many writes the step makes when nothing goes wrong."""
    world, store = await fresh(tmp_path, "clean")
    ctx = await operation.setup(world)
    before = len(store.writes)
    await operation.act(world, ctx)
    assert operation.told(world, ctx) == 1
    await store.close()
    return len(store.writes) - before


async def settle(world: World) -> None:
    """Minutes pass: the relay item and the outbox sweep deliver whatever the step left."""
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()


@pytest.mark.parametrize("kind", [THROTTLE, TIMEOUT, LOST])
@pytest.mark.parametrize("operation", PAIR_STEPS, ids=[op.name for op in PAIR_STEPS])
async def test_each_write_of_a_step_failing_in_turn_loses_and_repeats_nothing(tmp_path, operation, kind):
    total = await writes_of(tmp_path, operation)
    assert total >= 3  # the relay item, the change with its message, the outbox item (and its marks)
    for n in range(total):
        world, store = await fresh(tmp_path, f"{kind}-{n}")
        ctx = await operation.setup(world)
        store.inject(Fault(kind, "write", skip=n))
        first = await outcome(operation.act(world, ctx))
        store.clear()
        changed = await operation.changed(world, ctx)
        where = f"write {n + 1} of {total} ({store.injected})"
        if first in ("done", "unfinished", "already"):
            assert changed, f"told {first!r}, but nothing was recorded: {where}"
        if first == "busy":
            assert not changed, f"told 'busy, nothing changed', but the change landed: {where}"
        await settle(world)
        told = operation.told(world, ctx)
        assert told == (1 if changed else 0), f"{told} messages for a change that {'landed' if changed else 'did not'}: {where}"
        if not changed:  # the person does it again, as they were asked to
            assert await outcome(operation.act(world, ctx)) == "done", where
            await settle(world)
            assert operation.told(world, ctx) == 1, where
        await store.close()


class Crash(Exception):
    """The instance dies between the state write and the relay."""


@pytest.mark.parametrize("operation", PAIR_STEPS, ids=[op.name for op in PAIR_STEPS])
async def test_a_crash_between_the_write_and_the_relay_leaves_the_message_for_the_relay_item(tmp_path, operation, monkeypatch):
    world, store = await fresh(tmp_path, "crash")
    ctx = await operation.setup(world)
    services_ctx = world.services.ctx
    relayed = services_ctx.relay_now
    crashed: list[DocRef] = []

    async def crash_once(ref, *args, **kwargs):
        if not crashed:
            crashed.append(ref)
            raise Crash()
        return await relayed(ref, *args, **kwargs)

    monkeypatch.setattr(services_ctx, "relay_now", crash_once)
    with pytest.raises(Crash):
        await operation.act(world, ctx)
    assert await operation.changed(world, ctx) and operation.told(world, ctx) == 0
    waiting = (await store.read(crashed[0].container, crashed[0].partition, crashed[0].id)).body[OUTBOX_FIELD]
    assert len(waiting) == operation.messages  # the messages are in the changed document itself
    await world.services.due_work.sweep()  # before the relay item is due: nothing yet
    assert operation.told(world, ctx) == 0
    await settle(world)
    assert operation.told(world, ctx) == 1
    assert OUTBOX_FIELD not in (await store.read(crashed[0].container, crashed[0].partition, crashed[0].id)).body
    assert await outcome(operation.act(world, ctx)) in ("done", "already")  # pressing again tells no one twice
    await settle(world)
    assert operation.told(world, ctx) == 1
    await store.close()
