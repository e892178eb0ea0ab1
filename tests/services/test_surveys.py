"""Surveys through the real services and the card buttons: sent in the due-work queue to each member, one
reminder under the nudge rules, answers private and replaceable, closed after 14 days, out-of-date cards
answered kindly."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from bot.domain.due import SURVEY, SURVEY_REMINDER, DueItem
from bot.domain.surveys import REVERSE, SURVEY_OPEN, Wave, survey_questions
from bot.services.surveys import CLOSED
from cards import verbs
from tests.dialogs.harness import press, user
from bot.storage.kinds import SURVEY_TALLY

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


def surveys_to(world, who) -> list[dict]:
    return [m.card for m in world.messenger.to(who.id) if m.card and any(
        a.get("verb") == verbs.SURVEY_ANSWER for a in m.card.get("actions", []))]


async def agreed_pair(world) -> str:
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    return pair_id


async def test_a_contract_coming_into_force_schedules_the_three_waves_once(world):
    pair_id = await agreed_pair(world)
    due = world.services.ctx.repos.due
    at = world.clock.now()
    baseline = DueItem(SURVEY, at, pair_id, "", detail=Wave.BASELINE.value)
    assert await due.get(baseline) is not None and baseline.id.startswith(f"survey.baseline.{pair_id}")
    mid = DueItem(SURVEY, datetime(2027, 4, 11, 9, 0, tzinfo=timezone.utc), pair_id, "", detail=Wave.MIDPOINT.value)  # 10:00 BST, half way
    assert await due.get(mid) is not None
    assert not await due.schedule(baseline)  # scheduling again writes nothing new


async def test_each_member_gets_the_survey_in_their_personal_chat_with_their_own_goal(world):
    await agreed_pair(world)
    await world.services.due_work.sweep()
    for who in (MENTOR, MENTEE):
        (card,) = surveys_to(world, who)
        labels = [e.get("label") for e in card["body"] if e["type"].startswith("Input.")]
        assert "How far have you got towards this goal: Understand knife crime in Newham?" in labels
        assert all(label for label in labels)  # every input has a label
        choice_sets = [e for e in card["body"] if e["type"] == "Input.ChoiceSet"]
        assert choice_sets and all(c["style"] == "expanded" for c in choice_sets)
        assert len(card["actions"]) == 1


async def test_answers_are_private_and_answering_again_replaces_them(world):
    pair_id = await agreed_pair(world)
    await world.services.due_work.sweep()
    chat = world.chat(MENTEE)
    status, body, _ = await press(chat, verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "baseline", "useful": "2",
                                                             "comments": "My partner is brilliant", "share": "false"})
    assert status == 200 and "your answers are in" in json.dumps(body["value"])
    status, body, _ = await press(chat, verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "baseline", "useful": "5"})
    assert "replace the ones you sent before" in json.dumps(body["value"])
    repos = world.services.ctx.repos
    programme_id = (await repos.pairs.get(pair_id)).programme_id
    stored = await repos.surveys.response(programme_id, Wave.BASELINE, MENTEE.id)
    assert [(a.question_id, a.score) for a in stored.answers] == [("useful", 5)]
    tally = await repos.surveys.tally(programme_id)
    assert len(tally.entries) == 1 and "brilliant" not in json.dumps(SURVEY_TALLY.plain(tally))
    # The partner cannot answer as the mentee, and nothing the mentee wrote reaches the partner.
    assert all("brilliant" not in json.dumps(m.card or {}) + m.text for m in world.messenger.to(MENTOR.id))


async def test_a_wrong_answer_or_an_out_of_date_card_gets_a_kind_message(world):
    pair_id = await agreed_pair(world)
    await world.services.due_work.sweep()
    chat = world.chat(MENTEE)
    _, body, _ = await press(chat, verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "baseline", "useful": "9"})
    assert body["value"] == "Please choose from 1 (not at all) to 5 (very)."
    _, body, _ = await press(chat, verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "quarterly", "useful": "3"})
    assert "out of date" in body["value"]
    _, body, _ = await press(chat, verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "end", "useful": "3"})
    assert "isn't open for you" in body["value"]
    _, body, _ = await press(world.chat(MENTEE, "groupChat"), verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "baseline", "useful": "3"})
    assert "personal chat" in body["value"]


async def test_one_reminder_after_three_days_only_to_who_has_not_answered_and_none_once_closed(world):
    pair_id = await agreed_pair(world)
    s = world.services
    await s.due_work.sweep()
    await s.surveys.answer(MENTEE, pair_id, Wave.BASELINE, {"useful": "4"})
    world.clock.advance(timedelta(days=3, minutes=5))  # Thursday 09:05: not quiet
    await s.due_work.sweep()
    assert len(surveys_to(world, MENTOR)) == 2 and len(surveys_to(world, MENTEE)) == 1
    assert "reminder" in world.messenger.to(MENTOR.id)[-1].text
    world.clock.advance(SURVEY_OPEN)
    now = world.clock.now()
    await s.surveys.deliver(DueItem(SURVEY_REMINDER, now, pair_id, "", detail="baseline"), now)
    assert len(surveys_to(world, MENTOR)) == 2  # closed: no reminder
    _, body, _ = await press(world.chat(MENTOR), verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": "baseline", "useful": "3"})
    assert body["value"] == CLOSED


async def test_a_survey_falling_in_quiet_hours_or_a_pause_waits(world):
    pair_id = await agreed_pair(world)
    s = world.services
    night = datetime(2027, 1, 12, 23, 0, tzinfo=timezone.utc)
    world.clock.set(night)
    await s.pairs.pause_nudges(MENTOR, 7)
    from bot.services.nudges import Outcome
    assert await s.surveys.deliver(DueItem(SURVEY, night, pair_id, "", detail="baseline"), night) is Outcome.POSTPONED
    assert not surveys_to(world, MENTEE)
    morning = datetime(2027, 1, 13, 9, 0, tzinfo=timezone.utc)
    world.clock.set(morning)
    assert await s.surveys.deliver(DueItem(SURVEY, morning, pair_id, "", detail="baseline"), morning) is Outcome.SENT
    assert len(surveys_to(world, MENTEE)) == 1 and not surveys_to(world, MENTOR)  # paused


def test_reverse_programmes_ask_about_the_other_persons_world_and_managers_questions_come_last():
    from bot.domain.surveys import custom_question

    traditional = survey_questions(None, ("Goal A", "Goal B"))
    reverse = survey_questions(REVERSE, ("Goal A",), (custom_question(1, "Did your partner listen?"),))
    assert [q.id for q in traditional] == ["confidence", "goal-1", "goal-2", "useful", "recommend", "comments"]
    assert [q.id for q in reverse][-2:] == ["other-world", "own-1"]


async def test_managers_add_their_own_question_and_it_is_asked_next_time(world):
    pair_id = await agreed_pair(world)
    programme_id = (await world.services.ctx.repos.pairs.get(pair_id)).programme_id
    await world.services.surveys.add_question(MANAGER, programme_id, "  Did   your partner listen? ")
    listed = await world.services.surveys.questions(MANAGER, programme_id)
    assert listed[-1].text == "Did your partner listen?"
    await world.services.due_work.sweep()
    (card,) = surveys_to(world, MENTEE)
    assert any(e.get("label") == "Did your partner listen?" for e in card["body"])


async def test_a_persons_answers_are_in_their_export_and_gone_when_they_erase_their_data(world):
    pair_id = await agreed_pair(world)
    s = world.services
    await s.due_work.sweep()
    await s.surveys.answer(MENTEE, pair_id, Wave.BASELINE, {"useful": "4", "comments": "Only mine", "share": "true"})
    [pairing] = (await s.my_data.export(MENTEE, audited=False))["pairings"]
    assert pairing["yourSurveyAnswers"][0]["survey"] == "baseline" and "Only mine" in json.dumps(pairing)
    assert "Only mine" not in json.dumps((await s.my_data.export(MENTOR, audited=False))["pairings"])
    programme_id = (await s.ctx.repos.pairs.get(pair_id)).programme_id
    await s.my_data.erase(MENTEE, True)
    repos = s.ctx.repos
    assert await repos.surveys.responses_by(programme_id, MENTEE.id) == []
    tally = await repos.surveys.tally(programme_id)
    assert not tally.answered(Wave.BASELINE, MENTEE.id) and "Only mine" not in json.dumps(SURVEY_TALLY.plain(tally))
    assert tally.sent_at(Wave.BASELINE, MENTEE.id) is not None  # still counted as asked


async def test_a_survey_whose_tally_write_fails_after_sending_is_not_sent_again_by_the_retry(tmp_path):
    from bot.storage.documents import PROGRAMMES
    from bot.storage.sqlite_store import SqliteDocumentStore
    from tests.dialogs.harness import World
    from tests.support.faulty_store import THROTTLE, Fault, FaultyStore

    store = FaultyStore(await SqliteDocumentStore.open(tmp_path / "surveys.sqlite3"))
    try:
        world = World(store)
        await agreed_pair(world)
        store.inject(Fault(THROTTLE, "write", PROGRAMMES, "survey"))  # the tally can't record who was sent it
        await world.services.due_work.sweep()
        assert store.injected and len(surveys_to(world, MENTOR)) == 1  # sent, then the tally write failed
        for _ in range(2):  # the sweep tries the item again, the store answering now
            world.clock.advance(timedelta(minutes=30))
            await world.services.due_work.sweep()
        for who in (MENTOR, MENTEE):
            assert len(surveys_to(world, who)) == 1
    finally:
        await store.close()
