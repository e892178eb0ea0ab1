"""A three-pair pilot run through the real services, with a history the report tests know by heart."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.alerts import AlertAction
from tests.dialogs.harness import user

MANAGER, OUTSIDER = user("Manager"), user("Sam")
PAIRS = [(user("Megan"), user("Adele")), (user("Lee"), user("Nestor")), (user("Isaiah"), user("Lynne"))]


async def run_pilot(world) -> tuple[str, list[str]]:
    """Three pairs paired on day 0. Pair 1 agrees on day 0, pair 2 on day 1, pair 3 on day 2.
    Each holds a session three days after agreeing (world.hold_session); pair 3 then misses one and
    cancels another. Pair 1's mentee asks for help and a manager resolves it five hours later."""
    s = world.services
    for who in [MANAGER] + [p for pair in PAIRS for p in pair]:
        await s.pairs.register(who, {"conversation": {"id": f"conv-{who.aad_object_id}"}})
    programme = await world.programme(MANAGER, "Reverse mentoring pilot")
    pair_ids = [(await s.pairs.pair_people(MANAGER, programme.id, mentor, mentee)).id for mentor, mentee in PAIRS]
    await s.due_work.sweep()  # the scheduler sweeps every minute; the tests sweep after each step
    for pair_id, (mentor, mentee) in zip(pair_ids, PAIRS):
        await world.agree_contract(pair_id, mentor, mentee)
        world.clock.advance(timedelta(days=1))
        await s.due_work.sweep()
    for pair_id, (mentor, mentee) in zip(pair_ids, PAIRS):
        await world.hold_session(pair_id, mentor, mentee)
        await s.due_work.sweep()
    mentor, mentee = PAIRS[2]
    missed = await s.sessions.propose(mentee, pair_ids[2], world.clock.now() + timedelta(days=2))
    await s.sessions.accept(mentor, pair_ids[2], missed.id)
    world.clock.advance(timedelta(days=3))
    await s.sessions.record_attendance(mentor, pair_ids[2], missed.id, False)
    await s.due_work.sweep()
    cancelled = await s.sessions.propose(mentee, pair_ids[2], world.clock.now() + timedelta(days=2))
    await s.sessions.accept(mentor, pair_ids[2], cancelled.id)
    await s.sessions.cancel(mentor, pair_ids[2], cancelled.id)
    alert = await s.alerts.request_help(PAIRS[0][1], pair_ids[0], "")
    world.clock.advance(timedelta(hours=5))
    await s.alerts.act(MANAGER, programme.id, alert.id, AlertAction.RESOLVE, "We talked it through")
    await s.due_work.sweep()
    return programme.id, pair_ids
