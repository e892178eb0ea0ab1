"""Benchmark (not a test): the sweep reads only what is due, and delivery runs at Teams' tenant ceiling.

    .venv/bin/python -m tests.benchmarks.sweep_and_delivery [--pairs 100000] [--deliveries 10000]

Part 1: PAIRS pairs in the embedded store, 1% with a nudge due; one sweep; prints what it read.
Part 2: DELIVERIES messages to as many conversations through a local connector sink, via the real
adapter and messenger; prints the achieved rate against the 50 requests/second tenant ceiling.
"""

from __future__ import annotations

import argparse
import sys
import bisect
import asyncio
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import aiohttp
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.clock import SystemClock
from bot.domain.contracts import Contract
from bot.domain.due import FINISH_CONTRACT, DueItem
from bot.domain.people import Membership, Person, Role
from bot.domain.programmes import Pair, PairStatus, Programme
from bot.services.context import Message, Repositories, ServiceContext
from bot.services.nudges import NudgePolicy
from bot.services.registry import Services
from bot.settings import BotCredentials
from bot.storage.metered import MeteredStore, counting
from bot.storage.sqlite_store import SqliteDocumentStore
from bot.teams.messenger import TeamsMessenger
from tests.domain.builders import clauses
from tests.e2e.processes import free_port
from tests.support.connector import FaultyConnector
from tests.support.nudge_load import ALWAYS, TENANT, conversation


def adapter() -> CloudAdapter:
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))


async def sweep_benchmark(pairs: int, connector: FaultyConnector) -> None:
    store = MeteredStore(await SqliteDocumentStore.open(Path(tempfile.mkdtemp()) / "bench.sqlite3"))
    repos = Repositories.over(store)
    now = datetime.now(timezone.utc)
    then = now - timedelta(days=6)
    programme = Programme("bench", TENANT, "Bench", ("m",), then.date(), (now + timedelta(days=150)).date(), then)
    await repos.programmes.add(programme)
    contract, _ = Contract("x").propose(Role.MENTEE, clauses(start_date=then.date(), review_date=now.date(),
                                                            end_date=programme.ends_on), programme.ends_on, then)
    started = time.perf_counter()
    due = 0
    for n in range(pairs):
        pair = Pair(f"pair-{n}", programme.id, TENANT, f"{TENANT}:mentor-{n}", f"{TENANT}:mentee-{n}", PairStatus.ACTIVE, then, "m")
        await repos.pairs.add(pair)
        if n % 100 == 0:  # 1% have a nudge due now: only they need people and a contract to act on
            for role, person_id in ((Role.MENTOR, pair.mentor_id), (Role.MENTEE, pair.mentee_id)):
                await repos.people.change(person_id, lambda _p, pid=person_id, r=role, p=pair: Person(
                    pid, TENANT, pid.split(":")[1], pid, conversation=conversation(connector.service_url, f"chat-{pid}"),
                    memberships=(Membership(programme.id, p.id, r),)))
            await repos.pairs.change_contract(pair.id, lambda c, p=pair: (Contract(p.id, contract.versions), None))
            await repos.due.schedule(DueItem(FINISH_CONTRACT, now - timedelta(minutes=1), pair.id, ""))
            due += 1
    seeded = time.perf_counter() - started
    ctx = ServiceContext(repos, TeamsMessenger(adapter(), ""), SystemClock())
    services = Services.build(ctx, NudgePolicy(quiet=ALWAYS))
    started = time.perf_counter()
    with counting() as trips:
        report = await services.due_work.sweep()
    elapsed = time.perf_counter() - started
    print(f"store: {pairs} pairs, {due} nudges due (seeded in {seeded:.1f}s)")
    print(f"sweep: due items read {report.items_read}, acted {report.acted}, in {elapsed:.2f}s "
          f"({report.buckets} hour buckets, {trips.queries} queries, {trips.point_reads} point reads, {trips.writes} writes)")
    print(f"sweep read only what is due: {report.items_read == due}; messages delivered: {len(connector.received)}")
    await store.close()


async def delivery_benchmark(deliveries: int, workers: int = 32) -> None:
    """The sink runs in its own process, as Teams would: the sender's event loop is not its loop."""
    port = free_port()
    sink = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.support.connector", str(port),
                                                stdout=asyncio.subprocess.PIPE)
    await sink.stdout.readline()
    try:
        messenger = TeamsMessenger(adapter(), "")
        queue: asyncio.Queue = asyncio.Queue()
        for n in range(deliveries):
            queue.put_nowait(conversation(f"http://127.0.0.1:{port}/", f"bench-{n}"))

        async def worker() -> None:
            while not queue.empty():
                await messenger.post(queue.get_nowait(), Message(text="Reminder: your session is tomorrow."))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.perf_counter() - started
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/_stats") as response:
                stats = await response.json()
    finally:
        sink.kill()
        await sink.wait()
    arrivals = sorted(stats["arrivals"])
    worst_second = max(bisect.bisect_left(arrivals, t + 1.0) - i for i, t in enumerate(arrivals))
    print(f"delivery: {stats['received']} messages to {deliveries} conversations in {elapsed:.1f}s = "
          f"{stats['received'] / elapsed:.1f}/s against the 50/s tenant ceiling; busiest second at the sink: {worst_second}")


async def main(pairs: int, deliveries: int) -> None:
    connector = FaultyConnector()
    await connector.start()
    try:
        await sweep_benchmark(pairs, connector)
        if deliveries:
            await delivery_benchmark(deliveries)
    finally:
        await connector.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(main(args.pairs, args.deliveries))
