"""Benchmark (not a test): `invite this team as mentees` for a team of 1,000 members, read in pages of 100,
on the embedded store, each member sent the join card through the outbox (to a recording messenger, so
this times Tandem's own work, not Teams). Prints seconds per page and in all, and peak memory; then the
same team again (everyone already invited: nothing sent).

    .venv/bin/python -m tests.benchmarks.team_invite
"""

from __future__ import annotations

import asyncio
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bot.domain.roster import RosterRole
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World, user
from tests.dialogs.test_team_invites import team

MEMBERS, PAGE = 1_000, 100


async def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        store = await SqliteDocumentStore.open(Path(work) / "tandem.sqlite3")
        world = World(store)
        manager = user("Manager")
        programme = await world.programme(manager, "Large team")
        members = team(MEMBERS)  # each with the contact a first 1:1 chat needs, as Teams' member list gives it
        pages = [members[start:start + PAGE] for start in range(0, MEMBERS, PAGE)]
        for label in ("first time", "again"):
            started = time.perf_counter()
            per_page, invited, already = [], 0, 0
            for number, page in enumerate(pages):
                page_started = time.perf_counter()
                # As the command does: the first page's cards go at once, later pages' wait in the outbox.
                counted = await world.services.enrolment.invite_members(manager, programme.id, page, RosterRole.MENTEE,
                                                                          send_now=number == 0)
                per_page.append(time.perf_counter() - page_started)
                invited, already = invited + counted.invited, already + counted.already
            took = time.perf_counter() - started
            print(f"team invite ({label}): {MEMBERS} members in pages of {PAGE}: {invited} invited, {already} already, "
                  f"{took:.1f} s in all, a page {min(per_page):.2f} to {max(per_page):.2f} s")
        print(f"join cards sent in the turn: {len(world.messenger.sent)}")
        world.clock.advance(timedelta(minutes=2))
        started = time.perf_counter()
        await world.services.due_work.sweep()
        print(f"the sweep sent the rest: {len(world.messenger.sent)} cards in all, {time.perf_counter() - started:.1f} s")
        await store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
