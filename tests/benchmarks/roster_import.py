"""Benchmark (not a test): a 20,000-person roster checked and imported into a programme on the embedded
store, as `python -m bot.cli roster import` does, then every participant listed back. Prints seconds and
peak memory. Target: under a minute.

    .venv/bin/python -m tests.benchmarks.roster_import
"""

from __future__ import annotations

import asyncio
import resource
import tempfile
import time
from pathlib import Path

from bot.storage.sqlite_store import SqliteDocumentStore
from tests.benchmarks.matching import roster_csv
from tests.dialogs.harness import World, user


async def main() -> None:
    data = roster_csv(10_000, 10_000, ranking=20)
    with tempfile.TemporaryDirectory() as work:
        store = await SqliteDocumentStore.open(Path(work) / "tandem.sqlite3")
        world = World(store)
        manager = user("Manager")
        programme = await world.programme(manager, "National programme")
        started = time.perf_counter()
        imported = await world.services.enrolment.import_roster(manager, programme.id, data)
        took = time.perf_counter() - started
        started = time.perf_counter()
        listed = await world.services.ctx.repos.participants.in_programme(programme.id)
        listing = time.perf_counter() - started
        await store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"roster import: {imported.added} people ({imported.summary}) checked and imported in {took:.1f} s "
          f"(target < 60 s); listed back in {listing:.1f} s ({len(listed)}); peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
