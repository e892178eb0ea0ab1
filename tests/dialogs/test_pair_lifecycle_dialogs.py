"""Replies and prompts fit where a person and a pair stand: a manager is answered as a manager, `status`
says "starting" and "closing", the next-session prompt follows the cadence window, a cancelled session's
cards lose their buttons, a counter-proposal says what changed, and anyone can pause reminders."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.domain.contracts import Clause, changed_clauses
from cards import verbs
from tests.dialogs.harness import press, text_of, user
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE, STRANGER = user("Manager"), user("Megan"), user("Adele"), user("Sam")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


async def agreed_pair(world) -> str:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    return pair_id


async def book(world, pair_id: str, when: datetime):
    session = await world.services.sessions.propose(MENTEE, pair_id, when)
    return await world.services.sessions.accept(MENTOR, pair_id, session.id)


@pytest.mark.parametrize("command", ["sessions", "contract", "schedule", "reflect"])
async def test_a_manager_outside_any_pair_is_answered_as_a_manager(world, command):
    await world.pair(MANAGER, MENTOR, MENTEE)
    reply = text_of(await world.chat(MANAGER).say(command))
    assert "You manage Pilot" in reply and "**status**" in reply
    assert "not in a mentoring pair yet" not in reply


async def test_someone_whose_pairing_ended_is_told_so_not_that_they_were_never_paired(world):
    from bot.domain.programmes import CloseReason

    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.close(MANAGER, pair_id, CloseReason.NO_FAULT)
    reply = text_of(await world.chat(MENTEE).say("sessions"))
    assert "pairing has ended" in reply and "**my reflections**" in reply


async def test_status_says_starting_for_a_new_pair_and_closing_for_one_that_asked_to_close(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    programme_id = (await world.services.ctx.repos.pairs.get(pair_id)).programme_id
    status = str(await world.services.alerts.status(MANAGER, programme_id))
    assert "starting (agreeing their contract)" in status and "1 starting" in status and "1 on track" not in status
    await world.services.alerts.request_close(MENTEE, pair_id, "")
    status = str(await world.services.alerts.status(MANAGER, programme_id))
    assert "closing (asked for a no-fault close)" in status and "1 closing" in status


async def test_the_book_next_prompt_ignores_a_session_booked_far_beyond_the_cadence_window(world):
    pair_id = await agreed_pair(world)
    first = await book(world, pair_id, utc("2027-01-13T10:00"))
    await book(world, pair_id, utc("2027-04-20T10:00"))  # months away: the monthly cadence still needs one sooner
    world.clock.set(utc("2027-01-13T12:00"))
    mark = len(world.messenger.sent)
    for who in (MENTOR, MENTEE):
        await world.services.sessions.record_attendance(who, pair_id, first.id, True)
    prompted = [m for _, m in world.messenger.sent[mark:] if verbs.SESSION_PROPOSE in str(m.card)]
    assert len(prompted) == 2 and "due by" in prompted[0].text
    world.clock.set(utc("2027-02-08T09:05"))  # the cadence window opens a week before 13 Feb
    mark = len(world.messenger.sent)
    await world.services.due_work.sweep()
    assert len([m for _, m in world.messenger.sent[mark:] if verbs.SESSION_PROPOSE in str(m.card)]) == 2


async def test_the_book_next_prompt_is_skipped_when_a_session_is_booked_inside_the_window(world):
    pair_id = await agreed_pair(world)
    first = await book(world, pair_id, utc("2027-01-13T10:00"))
    await book(world, pair_id, utc("2027-02-10T10:00"))
    world.clock.set(utc("2027-01-13T12:00"))
    mark = len(world.messenger.sent)
    for who in (MENTOR, MENTEE):
        await world.services.sessions.record_attendance(who, pair_id, first.id, True)
    world.clock.set(utc("2027-02-08T09:05"))
    await world.services.due_work.sweep()
    assert not [m for _, m in world.messenger.sent[mark:] if verbs.SESSION_PROPOSE in str(m.card)]


async def test_after_a_cancellation_the_partners_booked_card_loses_reschedule_and_cancel(world):
    pair_id = await agreed_pair(world)
    booked = await book(world, pair_id, world.clock.now() + timedelta(days=3))  # Megan accepted: Adele got the card
    world.messenger.updates.clear()
    status, body, _ = await press(world.chat(MENTOR), verbs.SESSION_CANCEL, {"pairId": pair_id, "sessionId": booked.id})
    assert status == 200 and verbs.SESSION_CANCEL not in str(body)
    assert len(world.messenger.updates) == 1  # Adele's copy of "Session booked"
    updated = str(world.messenger.updates[0][1])
    assert "Session cancelled" in updated and "Megan cancelled this session" in updated
    assert verbs.SESSION_RESCHEDULE not in updated and verbs.SESSION_CANCEL not in updated
    # A stale card pressed anyway is answered kindly and replaced, not refused with an error.
    for verb in (verbs.SESSION_CANCEL, verbs.SESSION_RESCHEDULE):
        status, body, _ = await press(world.chat(MENTEE), verb, {"pairId": pair_id, "sessionId": booked.id})
        assert status == 200 and "This session was" in str(body) and "cancelled" in str(body)
        assert verbs.SESSION_RESCHEDULE not in str(body)


async def test_a_counter_proposal_shows_the_partner_what_changed(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    s = world.services
    await s.contracts.propose(MENTEE, pair_id, clauses())
    mark = len(world.messenger.sent)
    await s.contracts.propose(MENTOR, pair_id, clauses(meeting_minutes=90, boundaries="Weekdays only"))
    card = str([m.card for pid, m in world.messenger.sent[mark:] if pid == MENTEE.id])
    assert "Changed from version 1" in card and "- Meetings" in card and "- Boundaries" in card
    assert "- Goals" not in card


async def test_an_amendment_is_compared_with_the_version_in_force():
    assert changed_clauses(clauses(), clauses(meeting_minutes=90)) == (Clause.MEETINGS,)
    assert changed_clauses(clauses(), clauses()) == ()


async def test_someone_with_no_pair_can_pause_reminders_and_is_told_why_there_are_none(world):
    reply = text_of(await world.chat(STRANGER).say("pause reminders"))
    assert "Reminders paused until" in reply and "not in a pair yet" in reply
    person = await world.services.ctx.repos.people.get(STRANGER.id)
    assert person.nudges_paused_until is not None and person.nudges_paused_until > world.clock.now()


async def test_saying_contract_shows_what_a_pending_amendment_changes(world):
    pair_id = await agreed_pair(world)
    await world.services.contracts.propose(MENTEE, pair_id, clauses(meeting_minutes=90))
    replies = await world.chat(MENTOR).say("contract")
    cards = str([a.attachments[0].content for a in replies if a.attachments])
    assert "Changed from version 1" in cards and "- Meetings" in cards
