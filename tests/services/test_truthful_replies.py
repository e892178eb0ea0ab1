"""Truthful replies under store faults, through the real services: each multi-step operation is run with
a throttle, a timeout or a lost response at each of its writes. The person is told "done" only if the
change is durably recorded, "busy, try again" only if nothing changed; doing the same again completes it,
and the partner is told exactly once (0 lost, 0 duplicated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable

import pytest

from bot.domain.alerts import AlertAction, AlertState
from bot.domain.enrolment import Status
from bot.domain.roster import RosterRole
from bot.domain.errors import AlreadyDone, Unfinished
from bot.domain.sessions import SessionStatus
from bot.storage.documents import CONCERNS, DUE, PAIRS, PROGRAMMES, REFLECTIONS, StoreBusy, StoreTimeout
from cards import verbs
from tests.dialogs.harness import World, press, user
from tests.domain.builders import clauses
from tests.support.faulty_store import LOST, THROTTLE, TIMEOUT, Fault

MANAGER, MENTOR, MENTEE, JOINER, LEAD = user("Manager"), user("Megan"), user("Adele"), user("Patti"), user("Lead")
CONCERN = "He asked me to meet him alone after the shift"
WHEN = datetime(2027, 1, 14, 10, 0, tzinfo=timezone.utc)



@pytest.fixture
async def world(faulty):
    return World(faulty)


@dataclass
class Operation:
    """One step a person takes, what it changes, and what its partner (or manager) must be told once."""

    name: str
    main: tuple[str, str]  # the container and id prefix of the document the step changes
    setup: Callable[[World], Awaitable[dict[str, Any]]]
    act: Callable[[World, dict[str, Any]], Awaitable[Any]]
    changed: Callable[[World, dict[str, Any]], Awaitable[bool]]
    told: Callable[[World, dict[str, Any]], int]  # how many times the other side was told
    messages: int = 1  # how many messages the change writes with it


def count(world: World, who, words: str) -> int:
    return sum(words in m.text for m in world.messenger.to(who.id))


async def paired(world: World) -> dict[str, Any]:
    return {"pair": await world.pair(MANAGER, MENTOR, MENTEE)}


async def proposed_contract(world: World) -> dict[str, Any]:
    ctx = await paired(world)
    ctx["version"] = (await world.services.contracts.propose(MENTEE, ctx["pair"], clauses())).number
    return ctx


async def agreed(world: World) -> dict[str, Any]:
    ctx = await proposed_contract(world)
    await world.services.contracts.accept(MENTOR, ctx["pair"], ctx["version"])
    return ctx


async def proposed_session(world: World) -> dict[str, Any]:
    ctx = await agreed(world)
    ctx["session"] = (await world.services.sessions.propose(MENTEE, ctx["pair"], WHEN)).id
    return ctx


async def booked_session(world: World) -> dict[str, Any]:
    ctx = await proposed_session(world)
    await world.services.sessions.accept(MENTOR, ctx["pair"], ctx["session"])
    return ctx


async def past_session(world: World) -> dict[str, Any]:
    ctx = await booked_session(world)
    world.clock.set(WHEN + timedelta(hours=3))
    return ctx


async def half_held(world: World) -> dict[str, Any]:
    """A booked session whose time has passed, and the mentor has said it happened."""
    ctx = await past_session(world)
    await world.services.sessions.record_attendance(MENTOR, ctx["pair"], ctx["session"], True)
    return ctx


async def held_session(world: World) -> dict[str, Any]:
    ctx = await paired(world)
    await world.agree_contract(ctx["pair"], MENTOR, MENTEE)
    ctx["session"] = (await world.hold_session(ctx["pair"], MENTOR, MENTEE)).id
    return ctx


async def raised_alert(world: World) -> dict[str, Any]:
    ctx = await paired(world)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    alert = await world.services.alerts.request_help(MENTEE, ctx["pair"], "")
    ctx["programme"], ctx["alert"] = alert.programme_id, alert.id
    return ctx


async def invited(world: World) -> dict[str, Any]:
    programme = await world.programme(MANAGER, "Pilot")
    for who in (MANAGER, JOINER):
        await world.services.pairs.register(who, {"conversation": {"id": f"conv-{who.aad_object_id}"}})
    await world.services.enrolment.invite(MANAGER, programme.id, [JOINER], RosterRole.MENTEE)
    return {"programme": programme.id}


async def with_lead(world: World) -> dict[str, Any]:
    ctx = await paired(world)
    ctx["programme"] = (await world.services.ctx.repos.pairs.get(ctx["pair"])).programme_id
    await world.services.pairs.register(LEAD, {"conversation": {"id": "conv-lead"}})
    await world.services.safeguarding.name_lead(MANAGER, ctx["programme"], LEAD)
    return ctx


async def joined(world: World, ctx: dict[str, Any]) -> bool:
    participant = await world.services.ctx.repos.participants.find(ctx["programme"], JOINER.email)
    return participant.status is Status.JOINED


async def one_concern(world: World, ctx: dict[str, Any]) -> bool:
    """Stored, and stored once: a second copy of the same concern is a failure too."""
    return len(await world.services.ctx.repos.concerns.raised_by(ctx["programme"], MENTEE.id)) == 1


def lead_told(world: World, ctx: dict[str, Any]) -> int:
    return sum(CONCERN in str(m.card) for m in world.messenger.to(LEAD.id))


async def session_status(world: World, ctx: dict[str, Any], status: SessionStatus) -> bool:
    schedule = await world.services.ctx.repos.pairs.schedule(ctx["pair"])
    return any(s.status is status and s.starts_at == WHEN for s in schedule.sessions)


async def alert_state(world: World, ctx: dict[str, Any], state: AlertState) -> bool:
    return (await world.services.ctx.repos.alerts.find(ctx["programme"], ctx["alert"])).state is state


async def messaged(world: World, ctx: dict[str, Any]) -> bool:
    alert = await world.services.ctx.repos.alerts.find(ctx["programme"], ctx["alert"])
    return any(step.action is AlertAction.MESSAGE for step in alert.steps)


def both_told(world: World, ctx: dict[str, Any]) -> int:
    """How many times the pair heard the manager's message: each member once, or the count is off."""
    mentor, mentee = count(world, MENTOR, "Can we talk on Tuesday?"), count(world, MENTEE, "Can we talk on Tuesday?")
    return mentee if mentor == mentee else -1


def held_follow_ups(world: World, ctx: dict[str, Any]) -> int:
    """How many times the pair were asked to reflect and to book the next session: each of them once of
    each, or the count is off."""
    counts = {count(world, who, words) for who in (MENTOR, MENTEE)
              for words in ("confirmed as held. Write a private reflection", "Your next session is due by")}
    return counts.pop() if len(counts) == 1 else -1


def copies_updated(world: World, ctx: dict[str, Any]) -> int:
    return min(1, len(world.messenger.updates))  # each copy's card is replaced in place; doing it again changes nothing


OPERATIONS = [
    Operation("propose contract", (PAIRS, "contract"), paired,
              lambda w, c: w.services.contracts.propose(MENTEE, c["pair"], clauses()),
              lambda w, c: _pending(w, c), lambda w, c: count(w, MENTOR, "proposed version 1")),
    Operation("accept contract", (PAIRS, "contract"), proposed_contract,
              lambda w, c: w.services.contracts.accept(MENTOR, c["pair"], c["version"]),
              lambda w, c: _in_force(w, c), lambda w, c: count(w, MENTEE, "accepted version 1")),
    Operation("propose session", (PAIRS, "schedule"), agreed,
              lambda w, c: w.services.sessions.propose(MENTEE, c["pair"], WHEN),
              lambda w, c: session_status(w, c, SessionStatus.PROPOSED), lambda w, c: count(w, MENTOR, "proposed a session")),
    Operation("accept session", (PAIRS, "schedule"), proposed_session,
              lambda w, c: w.services.sessions.accept(MENTOR, c["pair"], c["session"]),
              lambda w, c: session_status(w, c, SessionStatus.CONFIRMED), lambda w, c: count(w, MENTEE, "your session is booked")),
    Operation("cancel session", (PAIRS, "schedule"), booked_session,
              lambda w, c: w.services.sessions.cancel(MENTEE, c["pair"], c["session"]),
              lambda w, c: session_status(w, c, SessionStatus.CANCELLED), lambda w, c: count(w, MENTOR, "cancelled the session")),
    Operation("record attendance", (PAIRS, "schedule"), past_session,
              lambda w, c: w.services.sessions.record_attendance(MENTEE, c["pair"], c["session"], False),
              lambda w, c: session_status(w, c, SessionStatus.NOT_HELD), lambda w, c: count(w, MENTOR, "didn't happen")),
    Operation("record attendance held", (PAIRS, "schedule"), half_held,
              lambda w, c: w.services.sessions.record_attendance(MENTEE, c["pair"], c["session"], True),
              lambda w, c: session_status(w, c, SessionStatus.HELD), held_follow_ups, messages=4),
    Operation("acknowledge alert", (PROGRAMMES, "alert."), raised_alert,
              lambda w, c: w.services.alerts.act(MANAGER, c["programme"], c["alert"], AlertAction.ACKNOWLEDGE),
              lambda w, c: alert_state(w, c, AlertState.ACKNOWLEDGED), copies_updated),
    Operation("resolve alert", (PROGRAMMES, "alert."), raised_alert,
              lambda w, c: w.services.alerts.act(MANAGER, c["programme"], c["alert"], AlertAction.RESOLVE, "We talked it through."),
              lambda w, c: alert_state(w, c, AlertState.RESOLVED), copies_updated),
    Operation("share a reflection", (REFLECTIONS, ""), held_session,
              lambda w, c: w.services.reflections.write(MENTEE, c["pair"], c["session"], "Knife crime work", "Listen first",
                                                         "Visit the youth club", 4, True),
              lambda w, c: _reflected(w), lambda w, c: count(w, MENTOR, "shared their reflection")),
    Operation("message the pair", (PROGRAMMES, "alert."), raised_alert,
              lambda w, c: w.services.alerts.act(MANAGER, c["programme"], c["alert"], AlertAction.MESSAGE, "Can we talk on Tuesday?"),
              messaged, both_told),
    Operation("join a programme", (PROGRAMMES, "participant."), invited,
              lambda w, c: w.services.enrolment.join(JOINER, c["programme"]),
              joined, lambda w, c: count(w, MANAGER, "Patti joined Pilot")),
    Operation("raise a concern", (CONCERNS, ""), with_lead,
              lambda w, c: w.services.safeguarding.raise_concern(MENTEE, c["pair"], CONCERN),
              one_concern, lead_told),
]


async def _reflected(world: World) -> bool:
    return bool(await world.services.ctx.repos.reflections.by_author(MENTEE.id))


async def _pending(world: World, ctx: dict[str, Any]) -> bool:
    return (await world.services.ctx.repos.pairs.contract(ctx["pair"])).pending is not None


async def _in_force(world: World, ctx: dict[str, Any]) -> bool:
    return (await world.services.ctx.repos.pairs.contract(ctx["pair"])).in_force is not None


def faults_for(operation: Operation) -> list[Fault]:
    container, prefix = operation.main
    return [
        Fault(THROTTLE, "write", container, prefix),  # the change itself is refused
        Fault(TIMEOUT, "write", container, prefix),  # no answer, nothing written
        Fault(LOST, "write", container, prefix),  # written, but the answer is lost
        Fault(THROTTLE, "read", container, prefix),  # the step can't even read where things stand
        Fault(THROTTLE, "create", DUE, "drift-check"),  # the re-check after the change is refused
        Fault(THROTTLE, "create", DUE, "outbox."),  # the partner's message can't be recorded
        Fault(LOST, "create", DUE, "outbox."),
        Fault(TIMEOUT, "replace", DUE, "outbox."),  # the outbox claim goes unanswered
        Fault(LOST, "replace", DUE, "outbox."),  # the claim lands, its answer is lost: the sweep sends it
        Fault(THROTTLE, "replace", DUE, "outbox.", times=2),  # claim and sent-mark refused
        Fault(THROTTLE, "write", PROGRAMMES, "summary"),  # a manager's summary refresh is refused
    ]


async def outcome(step: Awaitable[Any]) -> str:
    try:
        await step
        return "done"
    except Unfinished:
        return "unfinished"  # recorded, but not yet everything that follows
    except AlreadyDone:
        return "already"
    except StoreTimeout:
        return "unsure"
    except StoreBusy:
        return "busy"


CASES = [(op, fault) for op in OPERATIONS for fault in faults_for(op)]


@pytest.mark.parametrize("operation,fault", CASES, ids=[f"{op.name}-{f.kind}-{f.op}-{f.container}-{f.id_prefix}" for op, f in CASES])
async def test_a_step_under_a_fault_is_told_truthfully_and_repeating_it_tells_the_partner_once(world, faulty, operation, fault):
    ctx = await operation.setup(world)
    assert operation.told(world, ctx) == 0 and not await operation.changed(world, ctx)
    faulty.inject(fault)
    first = await outcome(operation.act(world, ctx))
    faulty.clear()
    changed = await operation.changed(world, ctx)
    if first in ("done", "unfinished", "already"):
        assert changed, f"told {first!r}, but nothing was recorded"
    if first == "busy":
        assert not changed, "told 'busy, nothing changed', but the change was recorded"
    assert operation.told(world, ctx) <= 1
    if first != "done":  # the person does the same again, as they were asked to
        again = await outcome(operation.act(world, ctx))
        assert again in ("done", "already"), again
    assert await operation.changed(world, ctx)
    world.clock.advance(timedelta(minutes=5))  # anything the step could not send waits in the outbox
    await world.services.due_work.sweep()
    await world.services.due_work.sweep()
    assert operation.told(world, ctx) == 1, "the other side must be told exactly once"
    if operation.name.startswith(("propose", "accept", "cancel", "record", "message", "join", "raise")):
        third = await outcome(operation.act(world, ctx))  # pressing yet again changes nothing and tells no one
        assert third in ("done", "already")
        assert operation.told(world, ctx) == 1


async def test_accept_with_its_recheck_refused_says_nothing_changed_and_nothing_did(world, faulty):
    # The re-check and the relay are recorded before the change, so a refusal there leaves nothing half-done.
    ctx = await proposed_contract(world)
    chat = world.chat(MENTOR)
    await chat.say("hello")
    faulty.inject(Fault(THROTTLE, "create", DUE, "drift-check"))
    status, body, _ = await press(chat, verbs.CONTRACT_ACCEPT, {"pairId": ctx["pair"], "version": ctx["version"]})
    assert "Nothing was changed" in str(body)
    assert not await _in_force(world, ctx) and count(world, MENTEE, "accepted version 1") == 0
    status, body, _ = await press(chat, verbs.CONTRACT_ACCEPT, {"pairId": ctx["pair"], "version": ctx["version"]})
    assert "Nothing was changed" not in str(body) and await _in_force(world, ctx)
    assert count(world, MENTEE, "accepted version 1") == 1
