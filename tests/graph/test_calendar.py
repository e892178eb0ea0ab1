"""The Graph calendar adapter against a loopback Graph and token endpoint: the calls it makes, the UTC
times around the clock changes, throttling, refusals, per-mailbox limits and msal token reuse."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from datetime import date, datetime, timedelta, timezone

import aiohttp
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bot.domain.uktime import uk_instant
from bot.graph import Limits, graph_calendar
from bot.services.calendar import (
    CalendarNotPermitted, CalendarUnavailable, EventRef, Invitee, Meeting, Response,
)
from bot.settings import GraphAuth, GraphSettings
from tests.support.fake_graph import FakeGraph, LoopbackHttpClient

MENTOR = Invitee("mentor-oid", "pc.jones@police.example", "PC Jones")
MENTEE = Invitee("mentee-oid", "sam@company.example", "Sam")
SERVICE = "tandem@police.example"


@pytest.fixture
async def fake():
    graph = FakeGraph()
    await graph.start()
    yield graph
    await graph.stop()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as client_session:
        yield client_session


def secret_settings(fake: FakeGraph, **changes) -> GraphSettings:
    values = dict(auth=GraphAuth.CLIENT_SECRET, base_url=fake.graph_url, tenant_id=fake.tenant,
                  client_id="app-1", client_secret="s3cret", organiser_mailbox=SERVICE, timeout_seconds=5)
    values.update(changes)
    return GraphSettings(**values)


@pytest.fixture
def msal_http(fake):
    client = LoopbackHttpClient(fake)
    yield client
    client.close()


@pytest.fixture
def calendar(fake, session, msal_http):
    return graph_calendar(secret_settings(fake), session, http_client=msal_http)


def meeting(starts_at: datetime, minutes: int = 60, proposer: Invitee = MENTOR, **changes) -> Meeting:
    values = dict(subject="Mentoring session", starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                  attendees=(MENTOR, MENTEE), proposer=proposer, body="Booked in Tandem", transaction_id="s-1")
    values.update(changes)
    return Meeting(**values)


# Last Sunday of March 2027 is the 28th (clocks go forward), of October the 31st (clocks go back).
@pytest.mark.parametrize("day, utc_start", [
    (date(2027, 3, 27), "2027-03-27T10:00:00"),  # GMT: UK 10:00 is 10:00 UTC
    (date(2027, 3, 28), "2027-03-28T09:00:00"),  # BST from 01:00 UTC that morning
    (date(2027, 10, 30), "2027-10-30T09:00:00"),  # still BST
    (date(2027, 10, 31), "2027-10-31T10:00:00"),  # GMT again from 01:00 UTC
])
async def test_booking_creates_one_teams_meeting_in_the_service_mailbox_in_utc(fake, calendar, day, utc_start):
    event = await calendar.book(meeting(uk_instant(day, dt.time(10, 0))))

    [call] = fake.graph_calls("POST", "/events")
    assert call.path == f"/users/{SERVICE}/events"
    assert call.body["start"] == {"dateTime": utc_start, "timeZone": "UTC"}
    end = (datetime.fromisoformat(utc_start) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert call.body["end"] == {"dateTime": end, "timeZone": "UTC"}
    assert call.body["isOnlineMeeting"] is True
    assert call.body["onlineMeetingProvider"] == "teamsForBusiness"
    assert [(a["emailAddress"]["address"], a["type"]) for a in call.body["attendees"]] == [
        (MENTOR.email, "required"), (MENTEE.email, "required")]
    assert call.body["transactionId"] == "s-1"
    assert event.organiser == SERVICE
    assert event.join_url.startswith("https://teams.microsoft.com/l/meetup-join/")


async def test_a_time_in_the_autumn_repeated_hour_is_sent_as_its_first_bst_instant(fake, calendar):
    await calendar.book(meeting(uk_instant(date(2027, 10, 31), dt.time(1, 30))))
    [call] = fake.graph_calls("POST", "/events")
    assert call.body["start"]["dateTime"] == "2027-10-31T00:30:00"


async def test_without_a_service_mailbox_the_proposer_organises_and_the_partner_is_looked_up(fake, session, msal_http):
    fake.users["mentee-oid"] = {"mail": "sam@company.example", "displayName": "Sam"}
    calendar = graph_calendar(secret_settings(fake, organiser_mailbox=""), session, http_client=msal_http)

    event = await calendar.book(meeting(uk_instant(date(2027, 1, 14), dt.time(14, 30)),
                                        attendees=(MENTOR, Invitee("mentee-oid"))))

    [call] = fake.graph_calls("POST", "/events")
    assert call.path == "/users/mentor-oid/events"
    assert [a["emailAddress"]["address"] for a in call.body["attendees"]] == ["sam@company.example"]
    assert event.organiser == "mentor-oid"


async def test_rescheduling_across_the_autumn_change_patches_the_event_with_the_new_utc_time(fake, calendar):
    event = await calendar.book(meeting(uk_instant(date(2027, 10, 24), dt.time(10, 0))))
    moved = uk_instant(date(2027, 10, 31), dt.time(10, 0))

    await calendar.reschedule(event, moved, moved + timedelta(minutes=60))

    [call] = fake.graph_calls("PATCH")
    assert call.path == f"/users/{SERVICE}/events/{event.event_id}"
    assert call.body == {"start": {"dateTime": "2027-10-31T10:00:00", "timeZone": "UTC"},
                         "end": {"dateTime": "2027-10-31T11:00:00", "timeZone": "UTC"}}
    assert fake.events[event.event_id]["start"]["dateTime"] == "2027-10-31T10:00:00"


async def test_cancelling_sends_the_cancel_action_and_a_second_cancel_of_a_gone_event_is_fine(fake, calendar):
    event = await calendar.book(meeting(uk_instant(date(2027, 3, 28), dt.time(9, 0))))

    await calendar.cancel(event, "Cancelled in Tandem by PC Jones")
    await calendar.cancel(EventRef(SERVICE, "event-that-was-deleted"), "again")

    cancels = fake.graph_calls("POST", "/cancel")
    assert [c.path for c in cancels] == [f"/users/{SERVICE}/events/{event.event_id}/cancel",
                                         f"/users/{SERVICE}/events/event-that-was-deleted/cancel"]
    assert cancels[0].body == {"comment": "Cancelled in Tandem by PC Jones"}
    assert fake.events[event.event_id]["isCancelled"] is True


async def test_reading_an_event_shows_a_decline_and_a_move_made_in_outlook(fake, calendar):
    starts = uk_instant(date(2027, 3, 30), dt.time(12, 0))
    event = await calendar.book(meeting(starts))
    stored = fake.events[event.event_id]
    stored["attendees"][1]["status"] = {"response": "declined"}
    stored["attendees"][0]["status"] = {"response": "accepted"}
    stored["start"] = {"dateTime": "2027-03-30T13:00:00.0000000", "timeZone": "UTC"}

    state = await calendar.read(event)

    assert state.declined_by() == [MENTEE.email]
    assert state.responses[MENTOR.email] is Response.ACCEPTED
    assert state.starts_at == datetime(2027, 3, 30, 13, 0, tzinfo=timezone.utc)
    assert state.moved_from(starts, starts + timedelta(hours=1))
    assert not state.is_cancelled
    assert fake.graph_calls("GET")[-1].headers["Prefer"] == 'outlook.timezone="UTC"'


async def test_429_and_503_are_retried_after_retry_after_and_make_one_event(fake, calendar):
    fake.faults = [(429, 0.3), (503, 0.3)]

    event = await calendar.book(meeting(uk_instant(date(2027, 2, 2), dt.time(10, 0))))

    posts = fake.graph_calls("POST", "/events")
    assert len(posts) == 3
    assert posts[1].at - posts[0].at >= 0.29
    assert posts[2].at - posts[1].at >= 0.29
    assert list(fake.events) == [event.event_id]


async def test_a_retry_after_longer_than_the_bound_is_not_slept_through(fake, calendar):
    fake.faults = [(429, 120)]
    started = time.monotonic()
    with pytest.raises(CalendarUnavailable, match="wait 120"):
        await calendar.book(meeting(uk_instant(date(2027, 2, 2), dt.time(10, 0))))
    assert time.monotonic() - started < 5
    assert fake.events == {}


async def test_403_from_the_access_policy_raises_calendar_not_permitted_with_the_reason(fake, calendar):
    fake.forbidden.add(SERVICE)
    with pytest.raises(CalendarNotPermitted) as refused:
        await calendar.book(meeting(uk_instant(date(2027, 2, 2), dt.time(10, 0))))
    assert "403" in refused.value.reason
    assert "application access policy" in refused.value.reason
    assert len(fake.graph_calls("POST", "/events")) == 1  # refusals are not retried


async def test_no_more_than_four_requests_are_in_flight_per_mailbox(fake, calendar):
    fake.delay = 0.05
    people = [Invitee("a@x.example"), Invitee("b@x.example")]

    await asyncio.gather(*(calendar.mailbox_settings(people[i % 2]) for i in range(24)))

    assert fake.max_in_flight == {"a@x.example": 4, "b@x.example": 4}


async def test_the_request_budget_per_mailbox_spaces_requests_out(fake, session, msal_http):
    calendar = graph_calendar(secret_settings(fake), session, http_client=msal_http,
                              limits=Limits(requests_per_window=3, window_seconds=1.0))
    started = time.monotonic()
    await asyncio.gather(*(calendar.mailbox_settings(MENTOR) for _ in range(6)))
    assert time.monotonic() - started >= 0.6  # three at once, then the bucket drains at 3 a second
    assert len(fake.graph_calls("GET", "/mailboxSettings")) == 6


async def test_the_token_is_acquired_once_off_the_event_loop_and_reused(fake, calendar, msal_http):
    await asyncio.gather(*(calendar.mailbox_settings(MENTOR) for _ in range(5)))
    await calendar.book(meeting(uk_instant(date(2027, 2, 2), dt.time(10, 0))))

    assert len(fake.token_requests) == 1
    assert fake.token_requests[0]["client_secret"] == "s3cret"
    assert fake.token_requests[0]["scope"] == f"{fake.url}/.default"
    tokens = {r.headers["Authorization"] for r in fake.requests}
    assert len(tokens) == 1
    assert msal_http.threads and threading.get_ident() not in msal_http.threads
    assert any(url.endswith("/v2.0/.well-known/openid-configuration") for url in msal_http.urls)


async def test_a_wrong_client_secret_is_calendar_not_permitted(fake, session, msal_http):
    calendar = graph_calendar(secret_settings(fake, client_secret="wrong"), session, http_client=msal_http)
    with pytest.raises(CalendarNotPermitted, match="invalid_client"):
        await calendar.mailbox_settings(MENTOR)
    assert fake.requests == []


async def test_managed_identity_on_app_service_gets_a_token_for_graph(fake, session, msal_http, monkeypatch):
    monkeypatch.setenv("IDENTITY_ENDPOINT", fake.identity_endpoint)  # what App Service sets; msal reads it
    monkeypatch.setenv("IDENTITY_HEADER", fake.identity_header)
    settings = GraphSettings(auth=GraphAuth.MANAGED_IDENTITY, base_url=fake.graph_url, identity_client_id="mi-42",
                             organiser_mailbox=SERVICE)
    calendar = graph_calendar(settings, session, http_client=msal_http)

    await calendar.mailbox_settings(MENTOR)
    await calendar.mailbox_settings(MENTEE)

    [token_request] = fake.token_requests
    assert token_request["resource"] == fake.url
    assert token_request["client_id"] == "mi-42"
    assert len(fake.graph_calls("GET", "/mailboxSettings")) == 2


async def test_a_certificate_signs_a_client_assertion_instead_of_sending_a_secret(fake, session, msal_http, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tandem-test")])
    now = datetime.now(timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    pem = tmp_path / "tandem.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
                    + certificate.public_bytes(serialization.Encoding.PEM))
    settings = secret_settings(fake, auth=GraphAuth.CERTIFICATE, client_secret="", certificate_path=pem)
    calendar = graph_calendar(settings, session, http_client=msal_http)

    await calendar.mailbox_settings(MENTOR)

    [token_request] = fake.token_requests
    assert "client_secret" not in token_request
    assert token_request["client_assertion_type"].endswith("jwt-bearer")
    assert token_request["client_assertion"].count(".") == 2


async def test_free_busy_asks_get_schedule_for_both_people_in_utc(fake, calendar):
    fake.busy[MENTOR.email] = [("2027-03-29T08:00:00.0000000", "2027-03-29T16:00:00.0000000", "busy")]
    fake.busy[MENTEE.email] = [("2027-03-29T12:00:00.0000000", "2027-03-29T13:00:00.0000000", "tentative"),
                               ("2027-03-29T13:00:00.0000000", "2027-03-29T14:00:00.0000000", "free")]
    start = datetime(2027, 3, 29, tzinfo=timezone.utc)

    busy = await calendar.free_busy([MENTOR, MENTEE], start, start + timedelta(days=14))

    [call] = fake.graph_calls("POST", "/calendar/getSchedule")
    assert call.path == f"/users/{SERVICE}/calendar/getSchedule"
    assert call.body["schedules"] == [MENTOR.email, MENTEE.email]
    assert call.body["startTime"] == {"dateTime": "2027-03-29T00:00:00", "timeZone": "UTC"}
    assert [(b.starts_at.hour, b.ends_at.hour) for b in busy["mentor-oid"]] == [(8, 16)]
    assert [(b.starts_at.hour, b.status) for b in busy["mentee-oid"]] == [(12, "tentative")]  # free is not busy


async def test_mailbox_settings_turn_windows_zone_names_into_iana_and_read_working_hours(fake, calendar):
    fake.settings["mentee-oid"] = {
        "timeZone": "Pacific Standard Time",
        "workingHours": {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                         "startTime": "08:30:00.0000000", "endTime": "17:00:00.0000000",
                         "timeZone": {"name": "Pacific Standard Time"}}}

    settings = await calendar.mailbox_settings(MENTEE)

    assert settings.time_zone == "America/Los_Angeles"
    assert settings.working_hours is not None
    assert settings.working_hours.days == frozenset(range(5))
    assert (settings.working_hours.starts, settings.working_hours.ends) == (dt.time(8, 30), dt.time(17, 0))
    assert settings.working_hours.time_zone == "America/Los_Angeles"


async def test_line_manager_found_missing_or_not_permitted_said_once(fake, calendar, caplog):
    fake.managers["mentee-oid"] = {"id": "boss-oid", "mail": "boss@company.example", "displayName": "Boss"}

    found = await calendar.line_manager(MENTEE)
    none = await calendar.line_manager(MENTOR)
    fake.forbidden_managers = True
    with caplog.at_level(logging.WARNING, logger="bot.graph.calendar"):
        refused = [await calendar.line_manager(MENTEE) for _ in range(3)]

    assert found.permitted and found.manager == Invitee("boss-oid", "boss@company.example", "Boss")
    assert none.permitted and none.manager is None
    assert all(not lookup.permitted for lookup in refused)
    assert len([r for r in caplog.records if "Line managers cannot be read" in r.message]) == 1
