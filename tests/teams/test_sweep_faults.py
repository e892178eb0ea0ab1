"""Exactly once as people see it: a sweeper killed mid-sweep, and two sweepers on one store, with
deliveries that take a second each and a connector that throttles with Retry-After, so a delivery can
outlast the lease: only renewing it keeps a second sweeper off.

Prints what it measured (nudges sent, duplicates, losses) as well as asserting on it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.services.due_work import DEFAULT_WORKERS
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.e2e.processes import ROOT
from tests.support.connector import FaultyConnector
from tests.support.nudge_load import seed

NUDGES = 240
DELIVERY_SECONDS = 1.0  # each message takes a second at the connector
LEASE_SECONDS = 2.0  # shorter than a throttled delivery (Retry-After 3 s, then a second): renewal is needed
SKEW_SECONDS = 0.5  # how far past its end a lease must be before another sweeper takes it over


@pytest.fixture
async def connector():
    connector = FaultyConnector(delay=DELIVERY_SECONDS, throttle=12, retry_after_seconds=3.0)
    await connector.start()
    yield connector
    await connector.stop()


async def start_sweeper(data: Path, log: Path, *extra: str) -> asyncio.subprocess.Process:
    with log.open("a") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.support.nudge_load", "--data", str(data), "--lease", str(LEASE_SECONDS),
            "--skew", str(SKEW_SECONDS), *extra,
            cwd=ROOT, stdout=out, stderr=out)


async def wait_for(condition, seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError


def tally(connector: FaultyConnector, due: int) -> tuple[int, int, int]:
    per_conversation = Counter(r.conversation_id for r in connector.received)
    duplicates = sum(count - 1 for count in per_conversation.values() if count > 1)
    losses = due - len(per_conversation)
    return len(connector.received), duplicates, losses


async def test_a_sweeper_killed_mid_sweep_and_restarted_drops_nothing_and_sends_nothing_twice(tmp_path, connector):
    data = tmp_path / "load.sqlite3"
    store = await SqliteDocumentStore.open(data)
    due = await seed(store, NUDGES, connector.service_url)
    await store.close()
    first = await start_sweeper(data, tmp_path / "sweeper.log")
    await wait_for(lambda: len(connector.received) >= NUDGES // 3, 120)
    os.kill(first.pid, signal.SIGKILL)  # mid-sweep, no chance to clean up
    await first.wait()
    at_kill = len(connector.received)
    second = await start_sweeper(data, tmp_path / "sweeper.log")
    await asyncio.wait_for(second.wait(), 240)
    sent, duplicates, losses = tally(connector, due)
    print(f"\nkill -9 at {at_kill} of {due} due nudges, then restart: sent {sent}, duplicates {duplicates}, losses {losses}")
    assert losses == 0
    # Only messages in flight at the kill (their requests already at Teams, not yet marked done) can
    # repeat: at most one per concurrent worker.
    assert duplicates <= DEFAULT_WORKERS


async def test_two_sweepers_on_one_store_send_each_nudge_once(tmp_path, connector):
    data = tmp_path / "load.sqlite3"
    store = await SqliteDocumentStore.open(data)
    due = await seed(store, NUDGES, connector.service_url)
    await store.close()
    sweepers = [await start_sweeper(data, tmp_path / f"sweeper{n}.log") for n in range(2)]
    await asyncio.wait_for(asyncio.gather(*(s.wait() for s in sweepers)), 240)
    sent, duplicates, losses = tally(connector, due)
    print(f"\ntwo sweepers, {due} due nudges: sent {sent}, duplicates {duplicates}, losses {losses}")
    assert (duplicates, losses) == (0, 0) and sent == due


async def test_two_sweepers_with_skewed_clocks_on_a_faulty_store_send_each_nudge_once(tmp_path, connector):
    """One sweeper's clock runs 0.4 s ahead (within the takeover margin, as the lease and margin are scaled
    down here: in production 5 minutes and 60 s); both see a store that is slow, throttles claims and sent
    marks, and loses the answers of some writes that land."""
    data = tmp_path / "load.sqlite3"
    store = await SqliteDocumentStore.open(data)
    due = await seed(store, NUDGES, connector.service_url)
    await store.close()
    sweepers = [await start_sweeper(data, tmp_path / "ahead.log", "--clock-offset", "0.4", "--store-faults"),
                await start_sweeper(data, tmp_path / "behind.log", "--clock-offset", "-0.4", "--store-faults")]
    await asyncio.wait_for(asyncio.gather(*(s.wait() for s in sweepers)), 300)
    sent, duplicates, losses = tally(connector, due)
    print(f"\ntwo sweepers 0.8 s apart on a faulty store, {due} due nudges: sent {sent}, duplicates {duplicates}, losses {losses}")
    assert (duplicates, losses) == (0, 0) and sent == due
