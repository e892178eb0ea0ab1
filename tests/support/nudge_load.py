"""Seeds many pairs with a nudge due now, and runs a sweeper process against them (test set-up)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.clock import ShiftedClock
from bot.domain.contracts import Contract
from bot.domain.due import FINISH_CONTRACT, DueItem
from bot.domain.nudges import QuietHours
from bot.domain.people import Membership, Person, Role
from bot.domain.programmes import Pair, PairStatus, Programme
from bot.services.context import Repositories, ServiceContext
from bot.services.nudges import NudgePolicy
from bot.services.registry import Services
from bot.settings import BotCredentials
from bot.storage.documents import DUE, DocumentStore
from bot.storage.sqlite_store import SqliteDocumentStore
from bot.teams.messenger import TeamsMessenger
from tests.domain.builders import clauses
from tests.support.faulty_store import LOST, SLOW, THROTTLE, Fault, FaultyStore
from bot.storage.kinds import PERSON

TENANT = "tenant-load"
ALWAYS = QuietHours(datetime.min.time(), datetime.min.time(), weekends_off=False)


def conversation(service_url: str, conversation_id: str) -> dict:
    return {"channelId": "msteams", "serviceUrl": service_url, "bot": {"id": "28:tandem"}, "user": {"id": "29:x"},
            "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": TENANT}}


async def seed(store: DocumentStore, pairs: int, service_url: str, due_fraction: float = 1.0) -> int:
    """`pairs` pairs whose mentee proposed a contract 6 days ago; a 'finish your contract' nudge to the
    mentor is due now for `due_fraction` of them. Returns how many nudges are due."""
    repos = Repositories.over(store)
    now = datetime.now(timezone.utc)
    then = now - timedelta(days=6)
    programme = Programme("load", TENANT, "Load programme", ("manager",), then.date(), (now + timedelta(days=150)).date(), then)
    await repos.programmes.add(programme)
    contract, _ = Contract("x").propose(Role.MENTEE, clauses(start_date=then.date(), review_date=now.date(),
                                                            end_date=programme.ends_on), programme.ends_on, then)
    due_every = round(1 / due_fraction) if due_fraction else 0
    due = 0
    for n in range(pairs):
        pair = Pair(f"pair-{n}", programme.id, TENANT, f"{TENANT}:mentor-{n}", f"{TENANT}:mentee-{n}", PairStatus.ACTIVE, then, "manager")
        await repos.pairs.add(pair)
        for role, person_id in ((Role.MENTOR, pair.mentor_id), (Role.MENTEE, pair.mentee_id)):
            await store.create("people", person_id, person_id, PERSON.dump(Person(
                person_id, TENANT, person_id.split(":")[1], f"Person {n}",
                conversation=conversation(service_url, f"chat-{person_id.split(':')[1]}"),
                memberships=(Membership(programme.id, pair.id, role),))))
        await repos.pairs.change_contract(pair.id, lambda c, p=pair: (Contract(p.id, contract.versions), None))
        if due_every and n % due_every == 0:
            await repos.due.schedule(DueItem(FINISH_CONTRACT, now - timedelta(minutes=1), pair.id, ""))
            due += 1
    return due


def store_faults() -> list[Fault]:
    """What a busy Cosmos DB does to the work queue: slow reads, throttled claims and marks, and writes that
    land with their answer lost (a claim its sweeper doesn't know it holds, a sent mark or a finish it repeats)."""
    return [Fault(SLOW, "query", DUE, delay=0.02, times=10 ** 6),
            Fault(THROTTLE, "replace", DUE, times=15, skip=20),
            Fault(LOST, "replace", DUE, times=6, skip=60),
            Fault(THROTTLE, "replace", DUE, times=15, skip=150)]


async def run_sweeper(data: Path, lease_seconds: float, max_seconds: float, skew_seconds: float = 60.0,
                      clock_offset_seconds: float = 0.0, faults: bool = False) -> None:
    opened = await SqliteDocumentStore.open(data)
    store = FaultyStore(opened, store_faults()) if faults else opened
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(BotCredentials("", "", "MultiTenant", "")))
    clock = ShiftedClock(timedelta(seconds=clock_offset_seconds))  # this instance's clock, ahead or behind
    ctx = ServiceContext(Repositories.over(store), TeamsMessenger(adapter, ""), clock)
    services = Services.build(ctx, NudgePolicy(quiet=ALWAYS))
    services.due_work.lease = timedelta(seconds=lease_seconds)
    services.due_work.skew = timedelta(seconds=skew_seconds)
    deadline = asyncio.get_running_loop().time() + max_seconds
    idle = 0
    try:
        while asyncio.get_running_loop().time() < deadline and idle < 3:
            report = await services.due_work.sweep()
            idle = idle + 1 if report.acted == 0 and report.overdue == 0 else 0
            print(f"sweep: read {report.items_read}, acted {report.acted}, skipped {report.skipped}, "
                  f"failed {report.failed}", flush=True)
            await asyncio.sleep(0.2)
    finally:
        await opened.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument("--max-seconds", type=float, default=240)
    parser.add_argument("--skew", type=float, default=60.0, help="seconds a lease must be overdue before takeover")
    parser.add_argument("--clock-offset", type=float, default=0.0, help="seconds this instance's clock runs ahead (or behind)")
    parser.add_argument("--store-faults", action="store_true", help="a slow store that throttles and loses answers")
    args = parser.parse_args()
    asyncio.run(run_sweeper(args.data, args.lease, args.max_seconds, args.skew, args.clock_offset, args.store_faults))
    sys.exit(0)
