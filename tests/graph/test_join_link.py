"""The Teams join link of a session's Outlook event, on the cards people get: the booked-session card (for
whoever accepted and their partner), the reminders and "Did your session happen?". When the event is
made later (Graph was down), the next reminder carries it. A link that is not https on teams.microsoft.com
is never a button. Through the real services and the loopback Graph."""

from __future__ import annotations

import datetime as dt
from datetime import date, timedelta

import pytest

from bot.domain.people import Role
from bot.domain.sessions import Session, SessionStatus
from bot.domain.uktime import uk_instant
from bot.services.calendar_sync import RETRY_AFTER
from cards import verbs
from cards.session import JOIN, attendance_card, join_url, session_confirmed_card, session_reminder_card
from tests.dialogs.harness import START, World, press, user

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
STARTS = uk_instant(date(2027, 2, 3), dt.time(14, 0))


def join_buttons(card: dict | None) -> list[str]:
    assert card is not None
    return [a["url"] for a in card.get("actions", []) if a["type"] == "Action.OpenUrl" and a["title"] == JOIN]


async def proposed(world: World) -> tuple[str, str]:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    proposal = await world.services.sessions.propose(MENTEE, pair_id, STARTS)
    return pair_id, proposal.id


async def session_of(world: World, pair_id: str, session_id: str) -> Session:
    return (await world.services.ctx.repos.pairs.schedule(pair_id)).session(session_id)


def last_card_to(world: World, who, heading: str) -> dict:
    cards = [m.card for m in world.messenger.to(who.id) if m.card and m.card["body"][0].get("text", "").startswith(heading)]
    assert cards, [m.text for m in world.messenger.to(who.id)]
    return cards[-1]


async def test_accepting_by_pressing_gives_both_people_a_booked_card_with_the_events_join_link(world, fake):
    pair_id, session_id = await proposed(world)

    status, body, _ = await press(world.chat(MENTOR), verbs.SESSION_ACCEPT, {"pairId": pair_id, "sessionId": session_id})

    url = (await session_of(world, pair_id, session_id)).calendar["joinUrl"]
    assert url.startswith("https://teams.microsoft.com/l/meetup-join/event-")
    assert status == 200 and join_buttons(body["value"]) == [url]  # the card Megan pressed on
    partners = last_card_to(world, MENTEE, "Session booked")  # the card Adele gets
    assert join_buttons(partners) == [url]
    assert "Add to Teams calendar" not in str(partners)  # the meeting is in her calendar already


async def test_reminders_and_did_it_happen_carry_the_join_link(world, fake):
    pair_id, session_id = await proposed(world)
    await world.services.sessions.accept(MENTOR, pair_id, session_id)
    url = (await session_of(world, pair_id, session_id)).calendar["joinUrl"]

    world.clock.advance(STARTS - timedelta(days=1) - START + timedelta(minutes=1))
    await world.services.due_work.sweep()
    for who in (MENTOR, MENTEE):
        assert join_buttons(last_card_to(world, who, "Your session is tomorrow")) == [url]

    world.clock.advance(timedelta(days=1, hours=1))  # the session has ended
    await world.services.due_work.sweep()
    assert join_buttons(last_card_to(world, MENTEE, "Did your session happen?")) == [url]


async def test_an_event_made_after_the_booking_card_was_sent_reaches_people_with_the_next_reminder(world, fake):
    fake.faults = [(503, 600)]  # Graph down at the booking
    pair_id, session_id = await proposed(world)
    await world.services.sessions.accept(MENTOR, pair_id, session_id)
    booked = last_card_to(world, MENTEE, "Session booked")
    assert join_buttons(booked) == [] and "Add to Teams calendar" in str(booked)  # the deep link, meanwhile

    world.clock.advance(RETRY_AFTER[0] + timedelta(minutes=1))
    await world.services.due_work.sweep()  # the calendar side is retried and the event made
    url = (await session_of(world, pair_id, session_id)).calendar["joinUrl"]
    world.clock.advance(STARTS - timedelta(days=1) - world.clock.now() + timedelta(minutes=1))
    await world.services.due_work.sweep()

    assert url and join_buttons(last_card_to(world, MENTEE, "Your session is tomorrow")) == [url]
    assert join_buttons(last_card_to(world, MENTOR, "Your session is tomorrow")) == [url]


HOSTILE = [
    "http://teams.microsoft.com/l/meetup-join/x",  # not https
    "https://teams.microsoft.com.evil.example/l/meetup-join/x",  # a look-alike host
    "https://evil.example/?https://teams.microsoft.com/",
    "https://user:pw@teams.microsoft.com/l/meetup-join/x",  # credentials in the link
    "https://teams.microsoft.com:8443/l/meetup-join/x",  # another port
    "javascript:alert(document.cookie)//teams.microsoft.com",
    "https://teams.microsoft.com/l/meetup-join/x\nhttps://evil.example",
    "https://teams.microsoft.com\\@evil.example/",
    "https://[::1]/",
    "",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_join_link_that_is_not_https_on_teams_is_never_a_button(url):
    session = Session("s1", STARTS, 60, Role.MENTEE, START, SessionStatus.CONFIRMED,
                      calendar={"eventId": "e1", "joinUrl": url})
    assert join_url(session) is None
    for card in (session_confirmed_card("p1", session, {r: "A" for r in Role}, []),
                 attendance_card("p1", session, "Adele"), session_reminder_card("p1", session, "Adele", "today")):
        assert join_buttons(card) == [] and (not url or url not in str(card))


async def test_a_hostile_link_edited_into_the_event_never_reaches_a_card(world, fake):
    pair_id, session_id = await proposed(world)
    await world.services.sessions.accept(MENTOR, pair_id, session_id)
    hostile = "https://teams.microsoft.com.evil.example/l/meetup-join/x"
    state = (await session_of(world, pair_id, session_id)).calendar
    await world.services.ctx.repos.pairs.change_schedule(
        pair_id, lambda s: s.note_calendar(session_id, {**state, "joinUrl": hostile}))

    world.clock.advance(STARTS - timedelta(days=1) - START + timedelta(minutes=1))
    await world.services.due_work.sweep()

    reminder = last_card_to(world, MENTEE, "Your session is tomorrow")
    assert join_buttons(reminder) == [] and hostile not in str(reminder)
