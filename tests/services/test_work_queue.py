"""The work queue under the sweep: claims, leases reckoned from the claim and renewed while work is in
flight, fencing, a conditional cursor with a grace window, conditional scheduling and a dead-letter."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from bot.clock import ManualClock
from bot.domain.due import FINISH_CONTRACT, MAX_ATTEMPTS, SHARDS, DueItem, DueState
from bot.services.context import Repositories, ServiceContext
from bot.services.due_work import DueWorkService
from bot.services.nudges import Outcome
from bot.storage.documents import StoreTimeout
from bot.storage.sqlite_store import SqliteDocumentStore

NOON = datetime(2027, 1, 12, 12, 0, tzinfo=timezone.utc)


@dataclass
class Nudges:
    """Stands in for the nudge service: records each delivery, and can be slow or always fail."""

    clock: ManualClock
    delivered: list[str] = field(default_factory=list)
    takes: timedelta = timedelta(0)  # clock time each delivery takes (a slow connector, a Retry-After)
    gate: asyncio.Event | None = None  # deliveries wait for this (real time) before completing
    failing: set[str] = field(default_factory=set)

    async def deliver(self, item: DueItem, now: datetime, reached=None) -> Outcome:
        if item.pair_id in self.failing:
            raise ConnectionResetError("connector reset")
        if self.gate is not None:
            await self.gate.wait()
        self.clock.advance(self.takes)
        self.delivered.append(item.pair_id)
        return Outcome.SENT


class NoDrift:
    async def check(self, pair_id: str) -> None:
        return None


class NoMessenger:
    async def send(self, person, message):
        raise AssertionError("the queue sends nothing itself")

    post = update = send


@pytest.fixture
async def store(tmp_path):
    store = await SqliteDocumentStore.open(tmp_path / "queue.sqlite3")
    yield store
    await store.close()


def sweeper(store, clock: ManualClock, nudges: Nudges, lease: timedelta = timedelta(minutes=5), **kwargs) -> DueWorkService:
    ctx = ServiceContext(Repositories.over(store), NoMessenger(), clock)
    return DueWorkService(ctx, NoDrift(), nudges, lease=lease, **kwargs)


def nudge(pair: str, at: datetime = NOON - timedelta(minutes=1)) -> DueItem:
    return DueItem(FINISH_CONTRACT, at, pair, "")


async def state_of(store, item: DueItem) -> DueItem:
    found = await Repositories.over(store).due.get(item)
    assert found is not None
    return found[0]


async def until_claimed(store, item: DueItem) -> None:
    for _ in range(400):
        if (await state_of(store, item)).state is DueState.CLAIMED:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("the sweep never claimed the item")


async def test_a_lease_runs_from_its_claim_not_from_the_start_of_a_long_sweep(store):
    clock = ManualClock(NOON)
    nudges = Nudges(clock, takes=timedelta(minutes=4))  # each delivery takes four minutes of clock time
    worker = sweeper(store, clock, nudges, workers=1)
    repo = worker._ctx.repos.due
    late = nudge("late")
    for pair in ("a", "b"):
        await repo.schedule(nudge(pair))
    await repo.schedule(late)
    gate_item = []

    real_claim = repo.claim

    async def spying_claim(item, etag, owner, lease_until):
        gate_item.append((item.pair_id, clock.now(), lease_until))
        return await real_claim(item, etag, owner, lease_until)

    repo.claim = spying_claim
    await worker.sweep()
    # The third item was claimed eight minutes into the sweep; its lease is five minutes from then.
    for pair, claimed_at, lease_until in gate_item:
        assert lease_until == claimed_at + timedelta(minutes=5)
    assert max(claimed_at for _, claimed_at, _ in gate_item) == NOON + timedelta(minutes=8)
    assert sorted(nudges.delivered) == ["a", "b", "late"]


async def test_a_lease_is_renewed_while_delivery_waits_so_no_second_sweeper_takes_it_over(store):
    clock = ManualClock(NOON)
    gate = asyncio.Event()
    first_nudges = Nudges(clock, gate=gate)
    first = sweeper(store, clock, first_nudges, lease=timedelta(seconds=0.3), skew=timedelta(seconds=1))
    second_nudges = Nudges(clock)
    second = sweeper(store, clock, second_nudges, lease=timedelta(seconds=0.3), skew=timedelta(seconds=1))
    slow = nudge("slow")
    await first._ctx.repos.due.schedule(slow)
    running = asyncio.create_task(first.sweep())
    await until_claimed(store, slow)
    for _ in range(5):  # the delivery waits (Retry-After) far longer than the lease, in clock time
        clock.advance(timedelta(minutes=10))
        await asyncio.sleep(0.15)  # the holder renews every 0.1 s
        await second.sweep()
    gate.set()
    report = await running
    assert second_nudges.delivered == [] and first_nudges.delivered == ["slow"]
    assert report.acted == 1 and report.fenced == 0


async def test_a_sweeper_whose_lease_was_taken_over_cannot_mark_the_item_done(store):
    clock = ManualClock(NOON)
    gate = asyncio.Event()
    stalled = sweeper(store, clock, Nudges(clock, gate=gate), lease=timedelta(hours=1))  # no renewal in time
    taker_nudges = Nudges(clock)
    taker = sweeper(store, clock, taker_nudges)
    item = nudge("p")
    await stalled._ctx.repos.due.schedule(item)
    running = asyncio.create_task(stalled.sweep())
    await until_claimed(store, item)
    clock.advance(timedelta(hours=2))  # the stalled sweeper's lease ran out long ago
    assert (await taker.sweep()).acted == 1
    gate.set()
    report = await running
    assert report.fenced == 1 and report.acted == 0
    assert (await state_of(store, item)).owner == taker.instance


async def test_scheduling_the_same_work_again_never_resets_a_claimed_or_finished_item(store):
    clock = ManualClock(NOON)
    worker = sweeper(store, clock, Nudges(clock))
    repo = worker._ctx.repos.due
    item = nudge("p")
    assert await repo.schedule(item) is True
    stored, etag = await repo.get(item)
    claimed, _ = await repo.claim(stored, etag, "someone", NOON + timedelta(minutes=5))
    assert await repo.schedule(item) is False
    assert (await state_of(store, item)).state is DueState.CLAIMED
    clock.advance(timedelta(minutes=10))
    await worker.sweep()
    assert (await state_of(store, item)).state is DueState.DONE
    await repo.schedule(item)
    assert (await state_of(store, item)).state is DueState.DONE


async def test_when_the_claim_winner_fails_the_item_is_tried_again_and_the_cursor_waits_for_it(store):
    clock = ManualClock(NOON)
    nudges = Nudges(clock, failing={"p"})
    worker = sweeper(store, clock, nudges)
    repo = worker._ctx.repos.due
    item = nudge("p", NOON - timedelta(hours=3))
    await repo.schedule(item)
    report = await worker.sweep()
    assert report.failed == 1 and (await state_of(store, item)).state is DueState.PENDING
    assert (await repo.cursor())[0] == item.hour  # not past the hour that still has work
    nudges.failing.clear()
    clock.advance(timedelta(seconds=10))  # before the retry delay (30 s after a first failure): left alone
    assert (await worker.sweep()).acted == 0
    clock.advance(timedelta(minutes=5))
    assert (await worker.sweep()).acted == 1
    assert nudges.delivered == ["p"]
    assert (await repo.cursor())[0] == "2027-01-12T12"


async def test_work_written_behind_the_cursor_is_still_swept(store):
    clock = ManualClock(NOON + timedelta(minutes=30))
    nudges = Nudges(clock)
    worker = sweeper(store, clock, nudges)
    await worker.sweep()
    assert (await worker._ctx.repos.due.cursor())[0] == "2027-01-12T12"
    # A slow write, or another instance's clock running behind, lands an item in an hour already passed.
    await worker._ctx.repos.due.schedule(nudge("late", NOON - timedelta(minutes=10)))
    assert (await worker.sweep()).acted == 1 and nudges.delivered == ["late"]


async def test_the_cursor_is_moved_only_by_who_read_it_last(store):
    clock = ManualClock(NOON)
    repo = sweeper(store, clock, Nudges(clock))._ctx.repos.due
    assert await repo.move_cursor("2027-01-12T10", None)
    hour, etag = await repo.cursor()
    assert await repo.move_cursor("2027-01-12T12", etag)
    assert not await repo.move_cursor("2027-01-12T11", etag)  # stale: someone moved it since
    assert (await repo.cursor())[0] == "2027-01-12T12"


async def test_an_item_that_always_fails_is_set_aside_and_stops_pinning_the_cursor(store, caplog):
    clock = ManualClock(NOON)
    nudges = Nudges(clock, failing={"bad"})
    worker = sweeper(store, clock, nudges)
    repo = worker._ctx.repos.due
    bad, good = nudge("bad"), nudge("good")
    await repo.schedule(bad)
    await repo.schedule(good)
    with caplog.at_level(logging.WARNING):
        for _ in range(MAX_ATTEMPTS + 2):
            await worker.sweep()
            clock.advance(timedelta(hours=1))
    assert (await state_of(store, bad)).state is DueState.DEAD
    assert (await state_of(store, bad)).attempts == MAX_ATTEMPTS
    assert nudges.delivered == ["good"]
    assert [i.pair_id for i in await repo.dead_letters_in(bad.hour)] == ["bad"]
    report = await worker.sweep()
    assert report.buckets <= 4  # the cursor moved on: a tick reads a few hours, not every hour since
    assert "set aside" in caplog.text or "failed on attempt" in caplog.text


async def test_one_hour_of_work_is_spread_over_shards(store):
    clock = ManualClock(NOON)
    nudges = Nudges(clock)
    worker = sweeper(store, clock, nudges)
    items = [nudge(f"p{n}") for n in range(40)]
    for item in items:
        await worker._ctx.repos.due.schedule(item)
    assert len({item.bucket for item in items}) == SHARDS
    assert (await worker.sweep()).acted == 40 and sorted(nudges.delivered) == sorted(i.pair_id for i in items)


async def test_a_sweeper_that_loses_the_claim_race_keeps_the_hour_open_for_when_the_winner_dies(store):
    clock = ManualClock(NOON)
    nudges = Nudges(clock)
    worker = sweeper(store, clock, nudges)
    repo = worker._ctx.repos.due
    item = nudge("p")
    await repo.schedule(item)
    read = repo.unfinished_in

    async def read_then_lose_the_race(hour: str):
        seen = await read(hour)
        for found, etag in seen:  # another instance claims it between our read and our claim, then dies
            assert await repo.claim(found, etag, "instance-that-dies", clock.now() + timedelta(minutes=5))
        return seen

    repo.unfinished_in = read_then_lose_the_race
    report = await worker.sweep()
    repo.unfinished_in = read
    assert report.skipped == 1 and nudges.delivered == []
    assert (await repo.cursor())[0] == item.hour  # not moved past the hour whose item someone else holds
    clock.advance(timedelta(hours=3))  # past the grace window behind the cursor: only an open hour is read
    await worker.sweep()
    assert nudges.delivered == ["p"]  # the dead winner's lease ran out and the item was taken over


async def test_a_claim_or_renewal_whose_answer_is_lost_is_read_back_and_still_ours(store):
    from tests.support.faulty_store import LOST, TIMEOUT, Fault, FaultyStore
    faulty = FaultyStore(store)
    repo = Repositories.over(faulty).due
    item = nudge("p")
    await repo.schedule(item)
    found, etag = await repo.get(item)
    faulty.inject(Fault(LOST, "replace", "due"))  # the claim lands; its answer does not come back
    claimed = await repo.claim(found, etag, "me", NOON + timedelta(minutes=5))
    assert claimed is not None and claimed[0].owner == "me"  # it landed: ours, with the etag now stored
    faulty.inject(Fault(LOST, "replace", "due"))
    renewed = await repo.renew(claimed[0], claimed[1], NOON + timedelta(minutes=10))
    assert renewed is not None
    faulty.inject(Fault(TIMEOUT, "replace", "due"))  # unanswered and not written: the caller is told so
    with pytest.raises(StoreTimeout):
        await repo.renew(*renewed, NOON + timedelta(minutes=15))
    assert await repo.finish(*renewed)  # the lost renewal's etag was the stored one
    assert await repo.claim(claimed[0], claimed[1], "other", NOON + timedelta(minutes=5)) is None  # a stale etag: someone wrote since
