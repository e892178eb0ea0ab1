"""The calendar's notices are written with the note that causes them, in one write: a refused mailbox
(the managers), a calendar given up (the pair) and a change noticed in Outlook (the pair). Their message
failing to be recorded after the note landed loses nothing and tells no one twice."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

import aiohttp
import pytest

from bot.domain.due import CALENDAR_SYNC, DueItem
from bot.domain.uktime import uk_instant
from bot.graph import graph_calendar
from bot.services.calendar_sync import RETRY_AFTER, CalendarSync
from bot.settings import GraphAuth, GraphSettings
from bot.storage.documents import DUE, OUTBOX_FIELD, PAIRS
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World
from tests.graph.conftest import SERVICE
from tests.graph.test_booking import MANAGER, MENTEE, MENTOR, DownCalendar, booked_pair, session_of
from tests.support.fake_graph import LoopbackHttpClient
from tests.support.faulty_store import THROTTLE, Fault, FaultyStore

def message_refused() -> Fault:
    """The first message can't be recorded in the outbox (a fresh fault each time: a fault is spent when used)."""
    return Fault(THROTTLE, "create", DUE, "outbox.")



@pytest.fixture
async def world(faulty, fake):
    msal_http = LoopbackHttpClient(fake)
    async with aiohttp.ClientSession() as session:
        settings = GraphSettings(auth=GraphAuth.CLIENT_SECRET, base_url=fake.graph_url, tenant_id="tenant-1",
                                 client_id="app-1", client_secret="s3cret", organiser_mailbox=SERVICE, timeout_seconds=5)
        yield World(faulty, calendar=graph_calendar(settings, session, http_client=msal_http))
    msal_http.close()


async def settle(world: World) -> None:
    """Minutes pass: the relay item and the outbox sweep deliver whatever was left."""
    for _ in range(2):
        world.clock.advance(timedelta(minutes=5))
        await world.services.due_work.sweep()


def heard(world: World, person, words: str) -> int:
    return sum(words in m.text for m in world.messenger.to(person.id))


async def test_a_refused_mailbox_whose_managers_note_cant_be_recorded_still_books_and_tells_them_once(world, faulty, fake):
    fake.forbidden.add(SERVICE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    proposal = await world.services.sessions.propose(MENTEE, pair_id, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
    faulty.inject(message_refused())

    confirmed = await world.services.sessions.accept(MENTOR, pair_id, proposal.id)  # the booking is not "busy"

    assert faulty.injected
    assert (await session_of(world, pair_id, confirmed.id)).calendar["state"] == "not-permitted"
    await settle(world)
    assert heard(world, MANAGER, "could not put a session in Outlook") == 1
    assert heard(world, MENTEE, "your session is booked") == 1


async def test_a_calendar_given_up_whose_message_cant_be_recorded_tells_the_pair_once(tmp_path):
    store = FaultyStore(await SqliteDocumentStore.open(tmp_path / "given-up.sqlite3"))
    try:
        world = World(store, calendar=DownCalendar())
        pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
        sync = CalendarSync(world.services.ctx, DownCalendar())
        last = DueItem(CALENDAR_SYNC, world.clock.now(), pair_id, session_id, detail=str(len(RETRY_AFTER)))
        store.inject(message_refused())

        assert await sync.retry(last, world.clock.now()) is False  # noted, and the pair's message with it

        assert store.injected
        assert (await session_of(world, pair_id, session_id)).calendar["state"] == "gave-up"
        await settle(world)
        assert await sync.retry(last, world.clock.now()) is False  # the sweep trying again tells no one twice
        await settle(world)
        for person in (MENTOR, MENTEE):
            assert heard(world, person, "couldn't add your session") == 1
        schedule = await store.read(PAIRS, pair_id, "schedule")
        assert OUTBOX_FIELD not in schedule.body
    finally:
        await store.close()


async def test_a_decline_noticed_whose_message_cant_be_recorded_still_asks_the_pair_once(world, faulty, fake):
    pair_id, session_id = await booked_pair(world, uk_instant(date(2027, 2, 3), dt.time(14, 0)))
    event_id = (await session_of(world, pair_id, session_id)).calendar["eventId"]
    for attendee in fake.events[event_id]["attendees"]:
        if attendee["emailAddress"]["address"] == "adele@force.example":
            attendee["status"] = {"response": "declined"}
    await settle(world)  # the booking's own messages are out of the way
    faulty.inject(message_refused())

    world.clock.advance(timedelta(days=1, minutes=1))
    await world.services.due_work.sweep()  # the daily check notices the decline

    assert faulty.injected
    assert (await session_of(world, pair_id, session_id)).calendar["noticed"] == "Adele declined the Outlook invitation"
    await settle(world)
    world.clock.advance(timedelta(days=1))
    await world.services.due_work.sweep()  # the next daily check: the same decline, asked about already
    for person in (MENTOR, MENTEE):
        assert heard(world, person, "declined the Outlook invitation") == 1
