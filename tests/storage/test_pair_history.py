"""PairRepository keeps the live contract and schedule small and their history in items of their own
(`contract.v<N>`, `session.<id>`), on every engine: copy first, then drop, so nothing is ever lost."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.contracts import ContractStatus
from bot.domain.errors import NotFound
from bot.domain.people import Role
from bot.domain.sessions import SessionStatus
from bot.storage.documents import PAIRS
from bot.storage.kinds import CONTRACT_VERSION
from bot.storage.metered import MeteredStore, counting
from bot.storage.records import RecordsRepository
from bot.storage.repositories import PairRepository
from tests.domain.builders import NOW, PROGRAMME_END, clauses

PAIR = "pair-h"


async def _revise(pairs: PairRepository, times: int) -> None:
    """A draft agreed, then `times` amendments each agreed."""
    for n in range(times + 1):
        proposer, other = (Role.MENTEE, Role.MENTOR) if n % 2 == 0 else (Role.MENTOR, Role.MENTEE)
        version = await pairs.change_contract(PAIR, lambda c, n=n, p=proposer: c.propose(p, clauses(meeting_minutes=30 + n), PROGRAMME_END, NOW + timedelta(hours=n)))
        await pairs.change_contract(PAIR, lambda c, v=version, o=other, n=n: c.accept(o, v.number, NOW + timedelta(hours=n, minutes=5)))


async def test_earlier_contract_versions_move_to_their_own_items_and_history_reads_them_all(store):
    pairs = PairRepository(store)
    await _revise(pairs, 12)
    live, history = await pairs.contract(PAIR), await pairs.contract_history(PAIR)
    assert len(live.versions) <= 3 and live.in_force.number == 13 and live.in_force.clauses.meeting_minutes == 42
    assert [v.number for v in history.versions] == list(range(1, 14))
    assert history.in_force == live.in_force and history.version(1).status is ContractStatus.SUPERSEDED
    moved = await store.query(PAIRS, PAIR, {"type": "contractVersion"})
    assert {d.id for d in moved} == {f"contract.v{n}" for n in range(1, 14)} - {f"contract.v{v.number}" for v in live.versions}
    assert all(d.body["schema"] == 2 for d in moved)
    proposal = await pairs.change_contract(PAIR, lambda c: c.propose(Role.MENTOR, clauses(), PROGRAMME_END, NOW + timedelta(days=2)))
    assert proposal.number == 14  # numbering carries on past the versions that moved out


async def test_a_copy_whose_drop_never_happened_is_read_once(store):
    """A crash after copying a version out but before the live contract dropped it leaves it in both
    places: history shows it once, and the next change drops it from the live contract."""
    pairs = PairRepository(store)
    await _revise(pairs, 4)
    await pairs.change_contract(PAIR, lambda c: c.propose(Role.MENTEE, clauses(), PROGRAMME_END, NOW + timedelta(days=1)))
    [extra] = (await pairs.contract(PAIR)).settled()  # version 4: the next change moves it out
    await store.upsert(PAIRS, PAIR, f"contract.v{extra.number}", CONTRACT_VERSION.dump(extra))  # ...and crashes here
    assert extra in (await pairs.contract(PAIR)).versions
    assert [v.number for v in (await pairs.contract_history(PAIR)).versions] == list(range(1, 7))
    await pairs.change_contract(PAIR, lambda c: c.accept(Role.MENTOR, 6, NOW + timedelta(days=2)))
    assert extra not in (await pairs.contract(PAIR)).versions
    assert [v.number for v in (await pairs.contract_history(PAIR)).versions] == list(range(1, 7))


async def _twenty_weeks(pairs: PairRepository) -> None:
    for week in range(20):
        now = NOW + timedelta(weeks=week)
        session = await pairs.change_schedule(PAIR, lambda s, n=now, w=week: s.propose(f"s{w}", Role.MENTEE, n + timedelta(days=1), 60, PROGRAMME_END, n))
        await pairs.change_schedule(PAIR, lambda s, n=now, i=session.id: s.accept(Role.MENTOR, i, PROGRAMME_END, n)[:2])
        for role in Role:
            await pairs.change_schedule(PAIR, lambda s, r=role, a=now + timedelta(days=1, hours=2), i=session.id: s.record_attendance(r, i, True, a))


async def test_settled_sessions_move_out_of_the_schedule_and_history_and_erasure_see_them(store):
    pairs = PairRepository(store)
    await _twenty_weeks(pairs)
    live, history = await pairs.schedule(PAIR), await pairs.schedule_history(PAIR)
    assert len(history.held()) == 20 and [s.id for s in history.held()] == [f"s{w}" for w in range(20)]
    assert len(live.sessions) < 12 and live.held()[-1].id == "s19"
    moved = {d.id for d in await store.query(PAIRS, PAIR, {"type": "session"})}
    assert moved and moved == {f"session.{s.id}" for s in history.sessions} - {f"session.{s.id}" for s in live.sessions}
    assert all(s.status is SessionStatus.HELD for s in history.sessions)
    await RecordsRepository(store).delete_pair_records(PAIR)
    assert await store.query(PAIRS, PAIR) == [] and (await pairs.schedule_history(PAIR)).sessions == ()


async def test_one_session_by_id_is_found_live_or_moved_out_with_one_more_read_only_when_moved_out(store):
    pairs = PairRepository(MeteredStore(store))
    await _twenty_weeks(pairs)
    live = await pairs.schedule(PAIR)
    assert "s0" not in {s.id for s in live.sessions} and live.moved_out  # s0 has moved out to its own item
    with counting() as old:
        s0 = await pairs.session(PAIR, "s0")
    assert s0.id == "s0" and s0.status is SessionStatus.HELD and (old.point_reads, old.queries) == (2, 0)
    with counting() as recent:
        assert (await pairs.session(PAIR, "s19")).status is SessionStatus.HELD
    assert (recent.point_reads, recent.queries) == (1, 0)
    with counting() as nowhere, pytest.raises(NotFound, match="can't find that session"):
        await pairs.session(PAIR, "never")
    assert nowhere.point_reads == 2


async def test_a_schedule_that_never_shed_reads_a_missing_session_in_one_read(store):
    pairs = PairRepository(MeteredStore(store))
    await pairs.change_schedule(PAIR, lambda s: s.propose("s0", Role.MENTEE, NOW + timedelta(days=1), 60, PROGRAMME_END, NOW))
    with counting() as trips, pytest.raises(NotFound):
        await pairs.session(PAIR, "s9")
    assert trips.point_reads == 1
