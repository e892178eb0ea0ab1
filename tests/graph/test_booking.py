"""Session booking through the real services with Graph on loopback: booking makes the Outlook event,
moving patches it, cancelling cancels it, and a Graph failure never fails the booking."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from datetime import date, datetime, timedelta

import pytest

from bot.domain.due import CALENDAR_SYNC, DueItem, buckets_between
from bot.domain.sessions import SessionStatus
from bot.domain.uktime import uk_instant
from bot.services.calendar import CalendarUnavailable, NoCalendar
from bot.services.calendar_sync import RETRY_AFTER, CalendarSync
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World, user
from tests.graph.conftest import SERVICE

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


async def booked_pair(world: World, starts_at: datetime) -> tuple[str, str]:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    proposal = await world.services.sessions.propose(MENTEE, pair_id, starts_at)
    confirmed = await world.services.sessions.accept(MENTOR, pair_id, proposal.id)
    return pair_id, confirmed.id


async def session_of(world: World, pair_id: str, session_id: str):
    return (await world.services.ctx.repos.pairs.schedule(pair_id)).session(session_id)


async def calendar_items(world: World, start: datetime, end: datetime) -> list[DueItem]:
    items = []
    for bucket in buckets_between(start, end):
        items += [item for item, _ in await world.services.ctx.repos.due.unfinished_in(bucket)
                  if item.kind == CALENDAR_SYNC]
    return items


async def test_accepting_a_session_books_one_teams_meeting_for_both_and_keeps_the_join_link(world, fake):
    starts = uk_instant(date(2027, 3, 29), dt.time(10, 0))  # the day after the clocks go forward

    pair_id, session_id = await booked_pair(world, starts)

    [post] = fake.graph_calls("POST", "/events")
    assert post.path == f"/users/{SERVICE}/events"
    assert post.body["start"] == {"dateTime": "2027-03-29T09:00:00", "timeZone": "UTC"}
    assert post.body["end"] == {"dateTime": "2027-03-29T10:00:00", "timeZone": "UTC"}
    assert post.body["isOnlineMeeting"] is True and post.body["onlineMeetingProvider"] == "teamsForBusiness"
    assert sorted(a["emailAddress"]["address"] for a in post.body["attendees"]) == [
        "adele@force.example", "megan@force.example"]
    session = await session_of(world, pair_id, session_id)
    assert session.status is SessionStatus.CONFIRMED
    assert session.calendar["state"] == "booked"
    assert session.calendar["joinUrl"].startswith("https://teams.microsoft.com/l/meetup-join/")
    assert session.calendar["eventId"] in fake.events


async def test_moving_a_booked_session_patches_its_event_instead_of_making_another(world, fake):
    pair_id, first_id = await booked_pair(world, uk_instant(date(2027, 3, 26), dt.time(10, 0)))  # GMT
    sessions = world.services.sessions
    move = await sessions.propose(MENTOR, pair_id, uk_instant(date(2027, 3, 30), dt.time(10, 0)), moving=first_id)  # BST
    moved = await sessions.accept(MENTEE, pair_id, move.id)

    assert len(fake.graph_calls("POST", "/events")) == 1
    [patch] = fake.graph_calls("PATCH")
    first = await session_of(world, pair_id, first_id)
    assert patch.path == f"/users/{SERVICE}/events/{first.calendar['eventId']}"
    assert patch.body["start"] == {"dateTime": "2027-03-30T09:00:00", "timeZone": "UTC"}
    assert (await session_of(world, pair_id, moved.id)).calendar["eventId"] == first.calendar["eventId"]


async def test_cancelling_a_booked_session_cancels_its_event(world, fake):
    pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))

    await world.services.sessions.cancel(MENTEE, pair_id, session_id)

    event_id = (await session_of(world, pair_id, session_id)).calendar["eventId"]
    [cancel] = fake.graph_calls("POST", "/cancel")
    assert cancel.path == f"/users/{SERVICE}/events/{event_id}/cancel"
    assert fake.events[event_id]["isCancelled"] is True
    assert (await session_of(world, pair_id, session_id)).calendar["state"] == "cancelled"


async def test_graph_down_never_fails_the_booking_and_the_sweep_books_it_later(world, fake):
    fake.faults = [(503, 600)]  # "come back in ten minutes": not slept through during a card press

    pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))

    session = await session_of(world, pair_id, session_id)
    assert session.status is SessionStatus.CONFIRMED and session.calendar is None
    assert fake.events == {}
    now = world.clock.now()
    assert [i.detail for i in await calendar_items(world, now, now + timedelta(hours=1))] == ["1"]

    world.clock.advance(RETRY_AFTER[0] + timedelta(minutes=1))
    await world.services.due_work.sweep()

    session = await session_of(world, pair_id, session_id)
    assert session.calendar["state"] == "booked" and session.calendar["eventId"] in fake.events
    assert len(fake.events) == 1


async def test_a_refused_mailbox_keeps_the_booking_and_tells_the_managers_once(world, fake):
    fake.forbidden.add(SERVICE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})

    pair_id, first_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
    second = await world.services.sessions.propose(MENTEE, pair_id, uk_instant(date(2027, 2, 10), dt.time(14, 0)))
    await world.services.sessions.accept(MENTOR, pair_id, second.id)

    for session_id in (first_id, second.id):
        session = await session_of(world, pair_id, session_id)
        assert session.status is SessionStatus.CONFIRMED
        assert session.calendar["state"] == "not-permitted" and "403" in session.calendar["reason"]
    told = [m.text for m in world.messenger.to(MANAGER.id) if "could not put a session in Outlook" in m.text]
    assert len(told) == 1 and "application access policy" in told[0]
    world.clock.advance(timedelta(minutes=10))
    await world.services.due_work.sweep()
    assert len(fake.graph_calls("POST", "/events")) == 2  # refusals are not retried by the sweep


class DownCalendar(NoCalendar):
    enabled = True

    async def book(self, meeting):
        raise CalendarUnavailable("Graph is busy (503)")


async def test_after_the_last_retry_the_pair_are_told_the_calendar_was_given_up(tmp_path):
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    try:
        world = World(store, calendar=DownCalendar())
        pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
        sync = CalendarSync(world.services.ctx, DownCalendar())
        last = DueItem(CALENDAR_SYNC, world.clock.now(), pair_id, session_id, detail=str(len(RETRY_AFTER)))

        assert await sync.retry(last, world.clock.now()) is False

        session = await session_of(world, pair_id, session_id)
        assert session.status is SessionStatus.CONFIRMED and session.calendar["state"] == "gave-up"
        for person in (MENTOR, MENTEE):
            assert any("couldn't add your session" in m.text for m in world.messenger.to(person.id))
    finally:
        await store.close()


async def test_without_graph_nothing_is_noted_for_the_calendar(tmp_path):
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    try:
        world = World(store)
        pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
        now = world.clock.now()
        assert await calendar_items(world, now - timedelta(hours=1), now + timedelta(hours=2)) == []
        assert (await session_of(world, pair_id, session_id)).calendar is None
    finally:
        await store.close()


async def test_a_decline_in_outlook_is_noticed_by_the_daily_check_and_the_pair_are_asked_once(world, fake):
    pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
    event_id = (await session_of(world, pair_id, session_id)).calendar["eventId"]
    for attendee in fake.events[event_id]["attendees"]:
        if attendee["emailAddress"]["address"] == "adele@force.example":
            attendee["status"] = {"response": "declined"}

    def asked(person):
        return [m.text for m in world.messenger.to(person.id) if "declined the Outlook invitation" in m.text]

    world.clock.advance(timedelta(days=1, minutes=1))
    await world.services.due_work.sweep()
    world.clock.advance(timedelta(days=1))
    await world.services.due_work.sweep()

    for person in (MENTOR, MENTEE):
        [text] = asked(person)
        assert text.startswith("Your session on Wed 3 Feb 2027, 14:00 GMT: Adele declined the Outlook invitation.")
        assert "say **schedule** to move it" in text
    assert len(fake.graph_calls("GET", f"/events/{event_id}")) == 2  # read once a day


class SlowCalendar(NoCalendar):
    enabled = True

    async def book(self, meeting):
        await asyncio.sleep(5)
        raise AssertionError("the inline budget should have cut this off")


async def test_a_slow_graph_does_not_hold_up_the_card_press_and_the_sweep_picks_it_up(tmp_path):
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    try:
        world = World(store)
        pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
        sync = CalendarSync(world.services.ctx, SlowCalendar(), inline_budget_seconds=0.2)

        started = time.monotonic()
        await sync.after_change(pair_id, session_id)

        assert time.monotonic() - started < 2
        now = world.clock.now()
        assert [i.session_id for i in await calendar_items(world, now, now + timedelta(hours=1))] == [session_id]
        assert (await session_of(world, pair_id, session_id)).calendar is None
    finally:
        await store.close()
