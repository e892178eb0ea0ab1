"""Suggested times for a pair through the services: getSchedule and mailbox working hours from the loopback
Graph, the officer's rota from Tandem, the window up to when the next session is due."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.uktime import UK
from bot.storage.sqlite_store import SqliteDocumentStore
from tests.dialogs.harness import World, user
from tests.graph.conftest import SERVICE

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
OFFICE_HOURS = {"timeZone": "GMT Standard Time", "workingHours": {
    "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
    "startTime": "09:00:00.0000000", "endTime": "17:00:00.0000000", "timeZone": {"name": "GMT Standard Time"}}}


async def agreed_pair(world: World) -> str:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    return pair_id


def uk_slots(suggestions) -> list[tuple[date, dt.time]]:
    return [(s.starts_at.astimezone(UK).date(), s.starts_at.astimezone(UK).time()) for s in suggestions.slots]


async def test_an_officers_rota_and_a_mentees_diary_and_office_hours_give_three_times_both_can_make(world, fake):
    pair_id = await agreed_pair(world)
    said = await world.services.suggestions.set_shift_pattern(MENTOR, "EELLNN----", date(2027, 1, 11))
    fake.settings["aad-adele"] = OFFICE_HOURS
    fake.busy["adele@force.example"] = [("2027-01-18T15:00:00", "2027-01-18T17:00:00", "busy")]

    found = await world.services.suggestions.suggest(MENTEE, pair_id)

    assert said == "EELLNN---- from 11 Jan 2027 (today: early)"
    # Tue 12 early (07-15, home by 16:00); Thu 14 late (leaves at 14:00); Mon 18 off, Adele busy 15-17.
    assert uk_slots(found) == [(date(2027, 1, 12), dt.time(16)), (date(2027, 1, 14), dt.time(13)),
                               (date(2027, 1, 18), dt.time(14))]
    [schedule] = fake.graph_calls("POST", "/calendar/getSchedule")
    assert schedule.path == f"/users/{SERVICE}/calendar/getSchedule"
    assert schedule.body["schedules"] == ["adele@force.example", "megan@force.example"]
    assert schedule.body["startTime"] == {"dateTime": "2027-01-11T21:00:00", "timeZone": "UTC"}  # 12 h ahead
    assert schedule.body["endTime"] == {"dateTime": "2027-02-12T00:00:00", "timeZone": "UTC"}  # monthly: due 11 Feb


async def test_when_graph_refuses_the_rota_alone_still_gives_suggestions(world, fake):
    pair_id = await agreed_pair(world)
    await world.services.suggestions.set_shift_pattern(MENTOR, "NNNNNNN", date(2027, 1, 11))
    fake.forbidden.add(SERVICE)

    found = await world.services.suggestions.suggest(MENTOR, pair_id)

    assert len(found.slots) == 3
    assert all(s.starts_at.astimezone(UK).time() >= dt.time(14) for s in found.slots)  # asleep after nights


async def test_without_graph_someone_who_will_say_each_time_is_asked_to_confirm(tmp_path):
    store = await SqliteDocumentStore.open(tmp_path / "tandem.sqlite3")
    try:
        world = World(store)
        pair_id = await agreed_pair(world)
        assert await world.services.suggestions.set_shift_pattern(MENTOR, "ask") == "you'll tell me each time"

        found = await world.services.suggestions.suggest(MENTEE, pair_id)

        assert len(found.slots) == 3 and all(s.to_confirm == ("Megan",) for s in found.slots)
        with pytest.raises(InvalidInput, match="not a shift I know"):
            await world.services.suggestions.set_shift_pattern(MENTOR, "EEZZ")
        cleared = await world.services.suggestions.set_shift_pattern(MENTOR, "none")
        assert cleared.startswith("no shift pattern")
        assert (await world.services.ctx.repos.people.get(MENTOR.id)).shift_pattern is None
    finally:
        await store.close()
