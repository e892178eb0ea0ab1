"""The outbox: every message a step causes is recorded per recipient under a key, tried once inline
within a bounded wait, marked sent, retried by the sweep with backoff, and set aside after MAX_ATTEMPTS
with a note to the recipient's programme managers."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from bot.domain.due import MAX_ATTEMPTS, MAX_MESSAGE_CARD_BYTES, OUTBOX, DueState, outbox_item, retry_delay
from bot.services.context import Message
from tests.dialogs.harness import user

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


class FlakyMessenger:
    """Wraps the world's recording messenger: sends to `failing` people raise until `fails` runs out."""

    def __init__(self, inner, failing: set[str], fails: int = 10 ** 6, delay: float = 0.0):
        self.inner, self.failing, self.fails, self.delay, self.tries = inner, failing, fails, delay, 0

    async def send(self, person, message):
        if person.id in self.failing:
            self.tries += 1
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fails > 0:
                self.fails -= 1
                raise ConnectionResetError("connector reset")
        return await self.inner.send(person, message)

    async def post(self, conversation, message):
        return await self.inner.post(conversation, message)

    async def update(self, delivery, card):
        return await self.inner.update(delivery, card)


def flaky(world, *people, **kwargs) -> FlakyMessenger:
    messenger = FlakyMessenger(world.messenger, {p.id for p in people}, **kwargs)
    world.services.ctx.messenger = messenger
    return messenger


async def outbox_state(world, recipient: str, key: str):
    found = await world.services.ctx.repos.due.get(outbox_item(recipient, key, "", None, world.clock.now()))
    assert found is not None, f"no outbox item for {key} to {recipient}"
    return found[0]


def texts_to(world, who) -> list[str]:
    return [m.text for m in world.messenger.to(who.id)]


async def test_a_step_records_the_partners_message_and_marks_it_sent_when_delivered(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    item = await outbox_state(world, MENTEE.id, f"contract.{pair_id}.1.accepted.mentor")
    assert item.kind == OUTBOX and item.state is DueState.DONE and item.sent_to == (MENTEE.id,)
    assert "accepted version 1" in item.message["text"] and item.message["card"]["type"] == "AdaptiveCard"
    assert sum("accepted version 1" in t for t in texts_to(world, MENTEE)) == 1


async def test_the_same_key_sends_once_however_often_it_is_notified(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    for _ in range(3):
        await world.services.ctx.notify(MENTEE.id, Message(text="Once only"), key="k.1")
    await world.services.ctx.notify(MENTEE.id, Message(text="Once only"), key="k.2")
    assert texts_to(world, MENTEE).count("Once only") == 2


async def test_a_failed_send_is_kept_and_the_sweep_delivers_it_later_exactly_once(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    flaky(world, MENTOR, fails=1)
    # A message to the mentor that fails inline stays in the outbox, waiting to be retried.
    assert await world.services.ctx.notify(MENTOR.id, Message(text="Hello mentor"), key="hello") is None
    waiting = await outbox_state(world, MENTOR.id, "hello")
    assert waiting.state is DueState.PENDING and waiting.attempts == 1
    assert waiting.retry_at == world.clock.now() + retry_delay(1)
    await world.services.due_work.sweep()  # before its retry time: left alone
    assert "Hello mentor" not in texts_to(world, MENTOR)
    world.clock.advance(retry_delay(1))
    await world.services.due_work.sweep()
    await world.services.due_work.sweep()
    assert texts_to(world, MENTOR).count("Hello mentor") == 1
    assert (await outbox_state(world, MENTOR.id, "hello")).state is DueState.DONE


async def test_a_message_that_never_goes_is_set_aside_and_the_managers_are_told(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    messenger = flaky(world, MENTEE)
    await world.services.ctx.notify(MENTEE.id, Message(text="Never arrives"), key="lost")
    for _ in range(MAX_ATTEMPTS + 1):
        world.clock.advance(timedelta(minutes=31))
        await world.services.due_work.sweep()
    item = await outbox_state(world, MENTEE.id, "lost")
    assert item.state is DueState.DEAD and item.attempts == MAX_ATTEMPTS
    assert messenger.tries == MAX_ATTEMPTS
    notes = await notes_for(world, MANAGER)
    assert len(notes) == 1 and "Adele" in notes[0] and "Pilot" in notes[0]
    world.clock.advance(timedelta(hours=1))
    await world.services.due_work.sweep()  # set aside: never tried again, and the note is not repeated
    assert messenger.tries == MAX_ATTEMPTS
    assert len(await notes_for(world, MANAGER)) == 1


async def notes_for(world, manager) -> list[str]:
    """What the manager was told of undelivered messages: sent to their chat, or kept as a notice."""
    person = await world.services.ctx.repos.people.find(manager.id)
    told = texts_to(world, manager) + list(person.pending_notices if person else ())
    return [t for t in told if "could not be delivered" in t]


async def test_a_slow_send_is_cut_off_within_the_steps_budget_and_left_to_the_sweep(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    flaky(world, MENTEE, fails=0, delay=2.0)
    started = time.monotonic()
    assert await world.services.ctx.notify(MENTEE.id, Message(text="Slow"), key="slow", within=timedelta(seconds=0.2)) is None
    assert time.monotonic() - started < 1.5
    item = await outbox_state(world, MENTEE.id, "slow")
    assert item.state is DueState.PENDING and item.retry_at is not None


async def test_someone_tandem_cannot_reach_gets_one_notice_per_key(world):
    stranger = user("Patti")
    await world.services.ctx.notify(stranger.id, Message(text="Kept for later"), key="n.1")
    await world.services.ctx.notify(stranger.id, Message(text="Kept for later"), key="n.1")
    person = await world.services.ctx.repos.people.find(stranger.id)
    assert person is not None and person.pending_notices == ("Kept for later",)
    assert (await outbox_state(world, stranger.id, "n.1")).state is DueState.DONE


def test_a_stored_message_is_bounded_in_size():
    big = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "x" * (MAX_MESSAGE_CARD_BYTES + 1)}]}
    from datetime import datetime, timezone
    item = outbox_item("t:p", "k", "y" * 10_000, big, datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert item.message["card"] is None and len(item.message["text"]) == 4_000
    small = outbox_item("t:p", "k", "hi", {"type": "AdaptiveCard"}, datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert small.message == {"text": "hi", "card": {"type": "AdaptiveCard"}}
    assert small.id == outbox_item("t:p", "k", "other", None, datetime(2027, 6, 1, tzinfo=timezone.utc)).id  # key + recipient only


class FlakyChannel(FlakyMessenger):
    """Posts into conversations (a channel) and card updates fail `fails` times, then go through."""

    async def post(self, conversation, message):
        self.tries += 1
        if self.fails > 0:
            self.fails -= 1
            raise ConnectionResetError("connector reset")
        return await self.inner.post(conversation, message)

    async def update(self, delivery, card):
        self.tries += 1
        if self.fails > 0:
            self.fails -= 1
            raise ConnectionResetError("connector reset")
        return await self.inner.update(delivery, card)


async def test_a_channel_copy_and_a_card_update_that_fail_are_retried_by_the_sweep_and_arrive_once(world):
    from dataclasses import replace
    from bot.domain.alerts import AlertAction
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    pair = await world.services.ctx.repos.pairs.get(pair_id)
    await world.services.ctx.repos.programmes.change(
        pair.programme_id, lambda p: replace(p, channel={"conversation": {"id": "19:alerts@thread.tacv2"}}))
    messenger = FlakyChannel(world.messenger, set(), fails=1)  # the manager's own copy goes; the channel's fails
    world.services.ctx.messenger = messenger
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    assert world.messenger.posted == []  # the channel copy failed now, and waits in the outbox
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()
    await world.services.due_work.sweep()
    assert [conv for conv, _ in world.messenger.posted] == ["19:alerts@thread.tacv2"]
    messenger.fails = 1  # the manager acknowledges; updating their card copy fails once (the channel's goes)
    await world.services.alerts.act(MANAGER, alert.programme_id, alert.id, AlertAction.ACKNOWLEDGE)
    assert [d.activity_id for d, _ in world.messenger.updates] == ["p1"]  # the channel copy the sweep posted was kept
    world.clock.advance(timedelta(minutes=5))
    await world.services.due_work.sweep()
    await world.services.due_work.sweep()
    assert len(world.messenger.updates) == 2 and all("acknowledged" in str(card).lower() for _, card in world.messenger.updates)


async def test_a_message_whose_sender_dies_each_time_is_set_aside_and_the_managers_are_told(world):
    await world.pair(MANAGER, MENTOR, MENTEE)
    repo = world.services.ctx.repos.due
    await world.services.ctx.notify(MENTEE.id, Message(text="Sent by senders that die"), key="dies", within=timedelta(0))
    for attempt in range(MAX_ATTEMPTS):  # each time, a sweeper claims it and is killed before it finishes
        held, etag = (await repo.get(outbox_item(MENTEE.id, "dies", "", None, world.clock.now())))
        assert await repo.claim(held, etag, f"killed-{attempt}", world.clock.now() + timedelta(minutes=5))
        world.clock.advance(timedelta(minutes=6))
    await world.services.due_work.sweep()
    item = await outbox_state(world, MENTEE.id, "dies")
    assert item.state is DueState.DEAD and "Sent by senders that die" not in texts_to(world, MENTEE)
    notes = await notes_for(world, MANAGER)
    assert len(notes) == 1 and "Adele" in notes[0]
