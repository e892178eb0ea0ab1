"""Benchmark (not a test): storage round trips for each turn of a pair's journey. Prints a table.

    .venv/bin/python -m tests.benchmarks.round_trips
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from bot.storage.metered import counting
from bot.storage.sqlite_store import SqliteDocumentStore
from cards import verbs
from tests.dialogs.harness import World, press, user

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


async def journey() -> list[tuple[str, object]]:
    rows = []
    store = await SqliteDocumentStore.open(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    world = World(store)
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    adele, megan = world.chat(MENTEE), world.chat(MENTOR)

    async def step(label, action):
        with counting() as trips:
            await action()
        rows.append((label, trips))

    await step("mentee: help", lambda: adele.say("help"))
    await step("mentee: contract (starts draft)", lambda: adele.say("contract"))
    for answer in ("Understand knife crime", "monthly", "60", "Teams call", "default", "default"):
        await step(f"mentee answers: {answer}", lambda a=answer: adele.say(a))
    await step("mentee: Send it", lambda: adele.say("Send it"))
    await step("mentor presses Accept", lambda: press(megan, verbs.CONTRACT_ACCEPT, {"pairId": pair_id, "version": 1}))
    await step("mentee: schedule", lambda: adele.say("schedule"))
    await step("mentee: gives a time", lambda: adele.say("20/01/2027 14:00"))
    session = (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions[0]
    await step("mentor presses Accept (session)", lambda: press(megan, verbs.SESSION_ACCEPT, {"pairId": pair_id, "sessionId": session.id}))
    world.clock.advance(timedelta(days=10))
    await step("scheduler sweep (1 due)", lambda: world.services.due_work.sweep())
    await step("mentor: it happened", lambda: press(megan, verbs.SESSION_HAPPENED, {"pairId": pair_id, "sessionId": session.id}))
    await step("mentee: my reflections", lambda: adele.say("my reflections"))
    await store.close()
    return rows


def main() -> None:
    rows = asyncio.run(journey())
    print(f"{'turn':40} {'state R':>7} {'state W':>7} {'reads':>6} {'writes':>6} {'queries':>7} {'total':>6}")
    for label, t in rows:
        print(f"{label:40} {t.state_reads:>7} {t.state_writes:>7} {t.point_reads:>6} {t.writes:>6} {t.queries:>7} {t.total:>6}")
    turns = [t for label, t in rows if not label.startswith("scheduler")]
    print(f"\nmax state reads per turn: {max(t.state_reads for t in turns)}, max state writes per turn: {max(t.state_writes for t in turns)}")
    print(f"mean round trips per turn: {sum(t.total for t in turns) / len(turns):.1f}")


if __name__ == "__main__":
    main()
