"""A message that names where its delivery is kept (an alert's copies, a session's booked card) is kept there
whenever it is delivered: by the step, or later by the sweep after a first try failed, so a later step can
update the card in place. And the relay backstop: a relay item run too early (another instance's clock ahead)
looks again, so a step cut short after its write still tells its partner, once; the normal path leaves no
relay item behind."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.domain.alerts import AlertAction
from bot.domain.due import RELAY, buckets_between
from bot.domain.outbox import DocRef
from bot.services.alerts import CHANNEL_COPY
from tests.dialogs.harness import user

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
CHANNEL = {"conversation": {"id": "19:alerts@thread.tacv2"}}


class Unavailable(Exception):
    """Teams answers 503 with a Retry-After beyond the step's inline wait."""


class FailsFirst:
    """Wraps the world's recording messenger: the first post into a conversation, or the first personal
    message to `person`, fails; everything after goes through."""

    def __init__(self, inner, person: str = ""):
        self.inner, self.person, self.failed = inner, person, 0

    async def send(self, person, message):
        if person.id == self.person and not self.failed:
            self.failed += 1
            raise Unavailable()
        return await self.inner.send(person, message)

    async def post(self, conversation, message):
        if not self.person and not self.failed:
            self.failed += 1
            raise Unavailable()
        return await self.inner.post(conversation, message)

    async def update(self, delivery, card):
        return await self.inner.update(delivery, card)


async def sweep_later(world, minutes: int = 2) -> None:
    world.clock.advance(timedelta(minutes=minutes))
    await world.services.due_work.sweep()


async def test_a_channel_copy_posted_by_the_sweep_is_kept_and_updated_in_place_when_a_manager_acts(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    pair = await world.services.ctx.repos.pairs.get(pair_id)
    await world.services.ctx.repos.programmes.change(pair.programme_id, lambda p: replace(p, channel=CHANNEL))
    messenger = FailsFirst(world.messenger)
    world.services.ctx.messenger = messenger
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    assert messenger.failed == 1 and world.messenger.posted == []  # the channel copy waits for the sweep
    await sweep_later(world)
    assert [conv for conv, _ in world.messenger.posted] == ["19:alerts@thread.tacv2"]
    stored = await world.services.ctx.repos.alerts.find(alert.programme_id, alert.id)
    channel_copies = [d for d in stored.deliveries if d.get(CHANNEL_COPY)]
    assert len(stored.deliveries) == 2 and len(channel_copies) == 1
    assert channel_copies[0]["activityId"] == "p1"
    await sweep_later(world)  # swept again: kept once
    assert len((await world.services.ctx.repos.alerts.find(alert.programme_id, alert.id)).deliveries) == 2
    await world.services.alerts.act(MANAGER, alert.programme_id, alert.id, AlertAction.ACKNOWLEDGE)
    updated = {delivery.activity_id: card for delivery, card in world.messenger.updates}
    assert set(updated) == {d["activityId"] for d in stored.deliveries}  # the manager's copy and the channel's
    channel_card = str(updated["p1"])
    assert "'acknowledged'" in channel_card and "Adele" not in channel_card and "Megan" not in channel_card  # no names


async def test_a_raised_alert_whose_copies_cannot_be_noted_is_still_raised_not_busy(world, monkeypatch):
    from bot.storage.documents import StoreTimeout

    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})

    async def unanswered(*args, **kwargs):
        raise StoreTimeout("no answer")

    monkeypatch.setattr(world.services.ctx.repos.alerts, "change", unanswered)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")  # the alert and its copies are out
    assert await world.services.ctx.repos.alerts.find(alert.programme_id, alert.id) is not None
    assert sum(1 for m in world.messenger.to(MANAGER.id) if m.card) == 1


async def test_a_booked_session_card_sent_by_the_sweep_is_kept_and_loses_its_buttons_when_cancelled(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    session = await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=2))
    messenger = FailsFirst(world.messenger, MENTEE.id)
    world.services.ctx.messenger = messenger
    await world.services.sessions.accept(MENTOR, pair_id, session.id)
    assert messenger.failed == 1 and not any("session is booked" in m.text for m in world.messenger.to(MENTEE.id))
    await sweep_later(world)
    booked = [i for i, (pid, m) in enumerate(world.messenger.sent, 1) if pid == MENTEE.id and "session is booked" in m.text]
    assert len(booked) == 1
    cards = (await world.services.ctx.repos.pairs.schedule(pair_id)).session(session.id).cards
    assert [c["activityId"] for c in cards] == [f"a{booked[0]}"]
    await world.services.sessions.cancel(MENTOR, pair_id, session.id)
    assert [(d.activity_id, "Session cancelled" in str(card)) for d, card in world.messenger.updates] == [(f"a{booked[0]}", True)]


async def test_a_kept_delivery_that_cannot_be_recorded_is_not_sent_again(world, monkeypatch):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    session = await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=2))
    world.services.ctx.messenger = FailsFirst(world.messenger, MENTEE.id)
    await world.services.sessions.accept(MENTOR, pair_id, session.id)
    from bot.storage.documents import StoreBusy

    async def busy(*args, **kwargs):
        raise StoreBusy("busy")

    monkeypatch.setattr(world.services.ctx.repos.pairs, "change_schedule", busy)
    await sweep_later(world)
    await sweep_later(world, 30)
    assert sum("session is booked" in m.text for m in world.messenger.to(MENTEE.id)) == 1


# The relay backstop ---------------------------------------------------------------------------------

def relays_for(ref: DocRef, items) -> list:
    return [item for item in items if item.kind == RELAY and item.pair_id == ref.partition and item.session_id == ref.id]


async def open_relay_items(world, ref: DocRef) -> list:
    """Relay items for that document not finished yet."""
    now = world.clock.now()
    found = []
    for hour in buckets_between(now - timedelta(hours=2), now + timedelta(hours=1)):
        found += relays_for(ref, [item for item, _ in await world.services.ctx.repos.due.unfinished_in(hour)])
    return found


async def test_a_step_that_relays_its_messages_leaves_no_relay_item_for_the_sweep(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=2))
    assert await open_relay_items(world, world.services.ctx.repos.pairs.schedule_ref(pair_id)) == []
    assert await open_relay_items(world, world.services.ctx.repos.pairs.contract_ref(pair_id)) == []


class Crash(Exception):
    """The instance dies between the state write and its relay."""


async def test_a_relay_item_run_before_the_write_by_a_clock_ahead_still_relays_after_a_crash_once(world, monkeypatch):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    ctx, repos = world.services.ctx, world.services.ctx.repos
    real_change, real_relay = repos.pairs.change_schedule, ctx.relay_now
    early: list[DocRef] = []  # what the early sweep relayed from
    armed: list[bool] = []

    async def write_after_an_early_sweep(*args, **kwargs):
        # Another instance, its clock three minutes ahead, sweeps between the relay item and the write.
        now = world.clock.now()
        world.clock.set(now + timedelta(minutes=3))
        await world.services.due_work.sweep()
        world.clock.set(now)
        result = await real_change(*args, **kwargs)
        armed.append(True)  # the write has landed: the step's own relay is cut short
        return result

    async def relay_or_crash(ref: DocRef, *args, **kwargs):
        if armed:
            armed.clear()
            raise Crash()
        early.append(ref)
        return await real_relay(ref, *args, **kwargs)

    monkeypatch.setattr(repos.pairs, "change_schedule", write_after_an_early_sweep)
    monkeypatch.setattr(ctx, "relay_now", relay_or_crash)
    try:
        await world.services.sessions.propose(MENTEE, pair_id, world.clock.now() + timedelta(days=2))
    except Crash:
        pass
    else:
        raise AssertionError("the step was meant to be cut short after its write")
    monkeypatch.setattr(repos.pairs, "change_schedule", real_change)
    monkeypatch.setattr(ctx, "relay_now", real_relay)
    ref = repos.pairs.schedule_ref(pair_id)
    assert ref in early  # the relay item ran before the write, and found nothing
    proposed = lambda: sum("proposed a session" in m.text for m in world.messenger.to(MENTOR.id))  # noqa: E731
    assert proposed() == 0
    for _ in range(10):
        await sweep_later(world)
    assert proposed() == 1
    assert await open_relay_items(world, ref) == []
    world.clock.advance(timedelta(hours=1))
    await world.services.due_work.sweep()
    assert proposed() == 1


async def test_a_relay_item_that_keeps_finding_nothing_is_finished_within_minutes(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    ref = world.services.ctx.repos.pairs.schedule_ref(pair_id)
    await world.services.ctx.before_change(ref)  # and the step never writes (it was refused)
    assert len(await open_relay_items(world, ref)) == 1
    for _ in range(20):
        await sweep_later(world)
    assert await open_relay_items(world, ref) == []
    dead = []
    for hour in buckets_between(world.clock.now() - timedelta(hours=2), world.clock.now()):
        dead += relays_for(ref, await world.services.ctx.repos.due.dead_letters_in(hour))
    assert dead == []  # finished, not set aside as a failure
