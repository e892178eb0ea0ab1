"""Nothing grows with use: a pair's two-year history, written through the real services on the embedded
store, leaves every stored item far below Cosmos DB's 2 MB item limit and the live documents small; and the
`due` container's partitions stay spread at 100,000 pairs."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.domain.alerts import AlertAction
from bot.domain.due import (
    ATTENDANCE_CHECK, BOOK_NEXT, DRIFT_CHECK, OUTBOX_SHARDS, REFLECT_REMINDER, REMINDER, SHARDS, DueItem, outbox_item,
)
from bot.domain.contracts import default_clauses
from bot.domain.limits import MAX_PENDING_NOTICES
from bot.services.context import Message
from bot.storage.documents import PAIRS, PEOPLE
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import ADMIN, World, user

MANAGER, MENTOR, MENTEE = user("Morgan"), user("Megan"), user("Adele")
ITEM_BUDGET = 64 * 1024  # far below Cosmos DB's 2 MB item limit
LIVE_BUDGET = 16 * 1024  # the contract, the schedule and a person, read on every turn
WEEKS = 104
REVISIONS = 30


def _sizes(path: Path) -> list[tuple[int, str, str, str]]:
    """Every stored item's size in bytes, with where it lives (read straight from the embedded file)."""
    with sqlite3.connect(path) as db:
        return sorted(((len(body.encode()), container, partition, id)
                       for container, partition, id, body in db.execute("SELECT container, partition, id, body FROM documents")),
                      reverse=True)


async def _two_years(world: World) -> str:
    """Weekly sessions for two years (with counter-proposals, declines, moves and cancellations), a contract
    revised 30 times, reflections, alerts, notices and the surveys and nudges the sweeps send."""
    ends = (world.clock.now() + timedelta(days=7 * WEEKS + 60)).date()
    for person in (MENTOR, MENTEE):
        await world.services.pairs.register(person, {"conversation": {"id": f"conv-{person.aad_object_id}"}})
    programme = await world.services.pairs.create_programme(ADMIN, "Two years", ends)
    await world.services.programmes.appoint_manager(ADMIN, programme.id, MANAGER)
    pair = await world.services.pairs.pair_people(MANAGER, programme.id, MENTOR, MENTEE)
    s, c = world.services.sessions, world.services.contracts
    clauses = replace(default_clauses(world.clock.now().date(), ends), goals=("Prepare for the sergeants' exam",))
    version = await c.propose(MENTEE, pair.id, clauses)
    await c.accept(MENTOR, pair.id, version.number)
    revised = 0
    for week in range(WEEKS):
        start = world.clock.now()
        if week % 3 == 1 and revised < REVISIONS:  # an amendment, every third week: sometimes countered first
            revised += 1
            amended = replace(clauses, meeting_minutes=30 + revised % 60, goals=(f"Goal for stage {revised}",))
            proposal = await c.propose(MENTOR, pair.id, amended)
            if revised % 4 == 0:
                proposal = await c.propose(MENTEE, pair.id, replace(amended, meeting_minutes=45))
                await c.accept(MENTOR, pair.id, proposal.number)
            else:
                await c.accept(MENTEE, pair.id, proposal.number)
        when = start + timedelta(days=2, hours=3)
        session = await s.propose(MENTEE, pair.id, when)
        if week % 5 == 0:  # the mentor offers another time instead
            session = await s.propose(MENTOR, pair.id, when + timedelta(hours=2), answering=session.id)
            await s.accept(MENTEE, pair.id, session.id)
        elif week % 7 == 0:  # declined, then a new time
            await s.decline(MENTOR, pair.id, session.id)
            session = await s.propose(MENTEE, pair.id, when + timedelta(hours=4))
            await s.accept(MENTOR, pair.id, session.id)
        else:
            await s.accept(MENTOR, pair.id, session.id)
        if week % 6 == 0:  # moved a day later
            moved = await s.propose(MENTOR, pair.id, session.starts_at + timedelta(days=1), moving=session.id)
            session = await s.accept(MENTEE, pair.id, moved.id)
        if week % 9 == 4:
            await s.cancel(MENTEE, pair.id, session.id)
        else:
            world.clock.set(session.starts_at + timedelta(hours=2))
            await s.record_attendance(MENTOR, pair.id, session.id, True)
            await s.record_attendance(MENTEE, pair.id, session.id, week % 11 != 3)
            if week % 2 == 0 and week % 11 != 3:
                await world.services.reflections.write(MENTEE, pair.id, session.id, f"Week {week} talk", "Learned a lot",
                                                       "Read the guidance", 4, share=week % 4 == 0)
        if week % 13 == 5:
            alert = await world.services.alerts.request_help(MENTEE, pair.id, f"Could we talk about week {week}?")
            await world.services.alerts.act(MANAGER, programme.id, alert.id, AlertAction.ACKNOWLEDGE)
            await world.services.alerts.act(MANAGER, programme.id, alert.id, AlertAction.RESOLVE, "Talked it through")
        world.clock.set(start + timedelta(days=7))
        await world.services.due_work.sweep()  # nudges, drift checks, surveys and the outbox, as the scheduler would
    assert revised == REVISIONS
    for n in range(3 * MAX_PENDING_NOTICES):  # someone Tandem cannot reach yet: notices are kept for them
        await world.services.ctx.notify("t1:unreached", Message(text=f"Notice number {n} for you."))
    return pair.id


async def test_a_two_year_pair_keeps_every_item_small_and_its_live_documents_smaller(tmp_path):
    path = tmp_path / "tandem.sqlite3"
    store = await SqliteDocumentStore.open(path)
    world = World(store)
    try:
        pair_id = await _two_years(world)
        repos = world.services.ctx.repos
        history = await repos.pairs.contract_history(pair_id)
        sessions = await repos.pairs.schedule_history(pair_id)
        live_contract, live_schedule = await repos.pairs.contract(pair_id), await repos.pairs.schedule(pair_id)
        unreached = await repos.people.get("t1:unreached")
    finally:
        await store.close()
    sizes = _sizes(path)
    largest = sizes[0]
    print(f"\n{len(sizes)} items; largest {largest[0]:,} B ({largest[1]}/{largest[2]}/{largest[3]}); "
          + ", ".join(f"{c}/{i} {b:,} B" for b, c, p, i in sizes if p in (pair_id, MENTOR.id) and i in ("contract", "schedule", MENTOR.id)))
    assert largest[0] < ITEM_BUDGET, largest
    live = {(c, i): b for b, c, p, i in sizes if (c, p) in ((PAIRS, pair_id), (PEOPLE, MENTOR.id), (PEOPLE, MENTEE.id))}
    for key in ((PAIRS, "contract"), (PAIRS, "schedule"), (PEOPLE, MENTOR.id), (PEOPLE, MENTEE.id)):
        assert live[key] < LIVE_BUDGET, (key, live[key])
    # Nothing was lost on the way: the whole history is still there to read, export and report on.
    assert len(history.versions) == 1 + REVISIONS + REVISIONS // 4 and len(live_contract.versions) <= 4
    assert [v.number for v in history.versions] == list(range(1, len(history.versions) + 1))
    assert history.in_force == live_contract.in_force
    assert len(sessions.held()) > 70 and len(live_schedule.sessions) < 20
    assert sum(1 for b, c, p, i in sizes if p == pair_id and i.startswith("session.")) == len(sessions.sessions) - len(live_schedule.sessions)
    assert len(unreached.pending_notices) == MAX_PENDING_NOTICES and unreached.dropped_notices == 2 * MAX_PENDING_NOTICES
    assert unreached.notices_to_tell()[0].startswith(f"While I couldn't reach you there were {2 * MAX_PENDING_NOTICES} earlier")
    assert unreached.notices_to_tell()[-1] == f"Notice number {3 * MAX_PENDING_NOTICES - 1} for you."


PAIRS_AT_SCALE = 100_000


def test_no_due_partition_is_hot_at_100000_pairs():
    """Every pair's work falling due in one evening hour (the worst case: reminders the evening before,
    attendance checks, drift checks), and one message each to both members in the outbox: no logical
    partition holds more than its share (1/SHARDS of the hour, 1/OUTBOX_SHARDS of the outbox) plus 5%."""
    hour = datetime(2027, 3, 9, 18, 0, tzinfo=timezone.utc)
    items = [DueItem(kind, hour + timedelta(minutes=n % 60), f"pair-{n:06d}", f"session-{n:06d}", detail=detail)
             for n in range(PAIRS_AT_SCALE)
             for kind, detail in ((REMINDER, "1440"), (ATTENDANCE_CHECK, ""), (DRIFT_CHECK, ""), (REFLECT_REMINDER, ""), (BOOK_NEXT, ""))]
    by_partition = Counter(item.bucket for item in items)
    assert set(by_partition) == {f"2027-03-09T18.{shard}" for shard in range(SHARDS)}
    assert max(by_partition.values()) <= len(items) / SHARDS * 1.05, by_partition
    outbox = [outbox_item(f"t1:person-{n:06d}-{side}", f"session-booked.{n}", "Your session is booked.", None, hour)
              for n in range(PAIRS_AT_SCALE) for side in ("mentor", "mentee")]
    by_shard = Counter(item.bucket for item in outbox)
    assert len(by_shard) == OUTBOX_SHARDS and max(by_shard.values()) <= len(outbox) / OUTBOX_SHARDS * 1.05, by_shard
    print(f"\nhour: {len(items):,} items over {len(by_partition)} partitions, largest {max(by_partition.values()):,}; "
          f"outbox: {len(outbox):,} over {len(by_shard)}, largest {max(by_shard.values()):,}")
