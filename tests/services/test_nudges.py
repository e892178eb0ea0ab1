"""Scheduled nudges keep every pair moving: reminders, did-it-happen, reflect, book next, finish the contract."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.domain.alerts import AlertKind
from cards import verbs
from tests.dialogs.harness import user
from tests.domain.builders import clauses

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


async def sweep_at(world, when: str) -> list:
    world.clock.set(utc(when))
    mark = len(world.messenger.sent)
    await world.services.due_work.sweep()
    return world.messenger.sent[mark:]


async def agreed_pair(world) -> str:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    version = await world.services.contracts.propose(MENTEE, pair_id, clauses())
    await world.services.contracts.accept(MENTOR, pair_id, version.number)
    return pair_id


async def booked(world, pair_id: str, when: str):
    session = await world.services.sessions.propose(MENTEE, pair_id, utc(when))
    await world.services.sessions.accept(MENTOR, pair_id, session.id)
    return session


async def test_reminders_go_a_day_and_an_hour_before_each_once(world):
    pair_id = await agreed_pair(world)
    await booked(world, pair_id, "2027-01-20T14:00")  # Wednesday
    day_before = await sweep_at(world, "2027-01-19T14:05")
    assert sorted(pid for pid, m in day_before if "is tomorrow" in m.text) == sorted([MENTOR.id, MENTEE.id])
    assert not [m for _, m in await sweep_at(world, "2027-01-19T14:30") if "Reminder" in m.text]
    hour_before = await sweep_at(world, "2027-01-20T13:01")
    assert len([m for _, m in hour_before if "is today" in m.text]) == 2


async def test_no_reminder_for_a_cancelled_session(world):
    pair_id = await agreed_pair(world)
    session = await booked(world, pair_id, "2027-01-20T14:00")
    await world.services.sessions.cancel(MENTOR, pair_id, session.id)
    assert not [m for _, m in await sweep_at(world, "2027-01-20T13:01") if "Reminder" in m.text]


async def test_a_reminder_that_would_fall_in_quiet_hours_comes_the_evening_before(world):
    pair_id = await agreed_pair(world)
    await booked(world, pair_id, "2027-01-20T08:30")  # the hour-before falls at 07:30, in quiet hours
    day_before = await sweep_at(world, "2027-01-19T08:35")  # the day-before reminders, on their own
    assert len([m for _, m in day_before if "Reminder" in m.text]) == 2
    assert not [m for _, m in await sweep_at(world, "2027-01-19T20:57") if "Reminder" in m.text]
    evening = await sweep_at(world, "2027-01-19T20:59")  # the last minute before quiet hours
    assert sorted(pid for pid, m in evening if "Reminder" in m.text) == sorted([MENTOR.id, MENTEE.id])
    morning = await sweep_at(world, "2027-01-20T08:05")  # nothing is left for the morning itself
    assert not [m for _, m in morning if "Reminder" in m.text]


async def test_after_downtime_a_reminder_for_a_session_already_started_is_dropped_not_sent(world, caplog):
    pair_id = await agreed_pair(world)
    await booked(world, pair_id, "2027-01-20T14:00")
    with caplog.at_level("INFO"):
        catch_up = await sweep_at(world, "2027-01-20T14:30")  # the bot was down through both reminders
    assert not [m for _, m in catch_up if "Reminder" in m.text]
    assert "stale" in caplog.text


async def test_a_nudge_due_on_friday_night_waits_for_monday(world):
    pair_id = await agreed_pair(world)
    await booked(world, pair_id, "2027-01-15T20:00")  # Friday evening session; ends 21:00
    assert not [m for _, m in await sweep_at(world, "2027-01-15T21:30") if verbs.SESSION_HAPPENED in str(m.card)]
    assert not [m for _, m in await sweep_at(world, "2027-01-16T12:00") if verbs.SESSION_HAPPENED in str(m.card)]
    monday = await sweep_at(world, "2027-01-18T08:01")
    assert len([m for _, m in monday if verbs.SESSION_HAPPENED in str(m.card)]) == 2


async def test_a_paused_person_is_left_alone_and_their_partner_is_not(world):
    pair_id = await agreed_pair(world)
    await world.services.pairs.pause_nudges(MENTEE, 14)
    await booked(world, pair_id, "2027-01-20T14:00")
    sent = await sweep_at(world, "2027-01-19T14:05")
    assert [pid for pid, m in sent if "Reminder" in m.text] == [MENTOR.id]
    await world.services.pairs.resume_nudges(MENTEE)
    await booked(world, pair_id, "2027-01-27T14:00")
    assert MENTEE.id in [pid for pid, m in await sweep_at(world, "2027-01-26T14:05") if "Reminder" in m.text]


async def test_finish_your_contract_nudge_goes_to_whoever_must_act(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    nothing_yet = await sweep_at(world, "2027-01-16T09:05")  # five days on is a Saturday: waits
    assert not [m for _, m in nothing_yet if "contract" in m.text]
    monday = await sweep_at(world, "2027-01-18T08:05")
    assert [pid for pid, m in monday if "contract isn't agreed yet" in m.text] == [MENTEE.id]


async def test_book_your_next_session_when_the_cadence_window_opens_unless_booked(world):
    pair_id = await agreed_pair(world)
    session = await booked(world, pair_id, "2027-01-13T10:00")
    world.clock.set(utc("2027-01-13T12:00"))
    for who in (MENTOR, MENTEE):
        await world.services.sessions.record_attendance(who, pair_id, session.id, True)
    opened = await sweep_at(world, "2027-02-08T09:05")  # a week before 13 Feb, on a Monday
    assert len([m for _, m in opened if verbs.SESSION_PROPOSE in str(m.card)]) == 2


async def test_silence_after_two_reminders_alerts_the_manager_and_answering_resets_it(world):
    pair_id = await agreed_pair(world)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    await booked(world, pair_id, "2027-01-20T14:00")
    await sweep_at(world, "2027-01-19T14:05")
    await sweep_at(world, "2027-01-20T13:05")
    await sweep_at(world, "2027-01-20T13:10")  # the drift check queued by the second reminder
    pair = await world.services.ctx.repos.pairs.get(pair_id)
    alerts = await world.services.ctx.repos.alerts.in_programme(pair.programme_id)
    assert any(a.kind is AlertKind.DRIFT and "hasn't answered 2 reminders" in a.reason for a in alerts)
    await world.chat(MENTEE).say("help")
    assert (await world.services.ctx.repos.people.get(MENTEE.id)).unanswered_nudges == 0


async def test_a_nudge_that_failed_for_one_of_the_pair_is_retried_for_that_one_only(world):
    pair_id = await agreed_pair(world)
    await booked(world, pair_id, "2027-01-20T14:00")
    real_send, failures = world.messenger.send, [MENTEE.id]

    async def flaky_send(person, message):
        if person.id in failures:
            failures.remove(person.id)
            raise ConnectionResetError("connector reset mid-nudge")
        return await real_send(person, message)

    world.messenger.send = flaky_send
    first = await sweep_at(world, "2027-01-19T14:05")
    assert [pid for pid, m in first if "Reminder" in m.text] == [MENTOR.id]
    retry = await sweep_at(world, "2027-01-19T14:10")  # after the retry delay
    assert [pid for pid, m in retry if "Reminder" in m.text] == [MENTEE.id]


# Each test below fails if the rule it names is deleted from NudgeService (checked by deleting it).

async def test_book_next_is_not_sent_when_the_next_session_is_already_booked(world):
    pair_id = await agreed_pair(world)
    session = await booked(world, pair_id, "2027-01-13T10:00")
    world.clock.set(utc("2027-01-13T12:00"))
    for who in (MENTOR, MENTEE):
        await world.services.sessions.record_attendance(who, pair_id, session.id, True)
    await booked(world, pair_id, "2027-02-10T10:00")  # booked before the window opens
    opened = await sweep_at(world, "2027-02-08T09:05")
    assert not [m for _, m in opened if verbs.SESSION_PROPOSE in str(m.card)]
    assert not [m for _, m in opened if "Time to book" in m.text]


async def test_the_reflect_reminder_goes_only_to_whoever_has_not_written_one(world):
    pair_id = await agreed_pair(world)
    session = await booked(world, pair_id, "2027-01-13T10:00")
    world.clock.set(utc("2027-01-13T12:00"))
    for who in (MENTOR, MENTEE):
        await world.services.sessions.record_attendance(who, pair_id, session.id, True)
    await world.services.reflections.write(MENTEE, pair_id, session.id, "Goals", "Listening", "Read up", 4, False)
    later = await sweep_at(world, "2027-01-15T12:05")  # two days on
    assert [pid for pid, m in later if "private reflection" in m.text] == [MENTOR.id]


async def test_did_it_happen_is_asked_only_of_whoever_has_not_said(world):
    pair_id = await agreed_pair(world)
    session = await booked(world, pair_id, "2027-01-20T14:00")
    world.clock.set(utc("2027-01-20T14:30"))
    await world.services.sessions.record_attendance(MENTEE, pair_id, session.id, True)
    asked = await sweep_at(world, "2027-01-20T16:05")  # after it ended
    assert [pid for pid, m in asked if verbs.SESSION_HAPPENED in str(m.card)] == [MENTOR.id]


async def test_no_finish_your_contract_nudge_once_the_contract_is_in_force(world):
    await agreed_pair(world)
    monday = await sweep_at(world, "2027-01-18T08:05")  # when the nudge would go, five days on
    assert not [m for _, m in monday if "contract" in m.text]


async def test_a_pairing_that_has_ended_gets_no_nudges(world):
    from bot.domain.programmes import CloseReason
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)  # no contract yet: the finish-contract nudge is due
    await world.services.pairs.close(MANAGER, pair_id, CloseReason.NO_FAULT)
    monday = await sweep_at(world, "2027-01-18T08:05")
    assert not [m for pid, m in monday if pid in (MENTOR.id, MENTEE.id) and "contract" in m.text]
