"""The S3 pilot (three pairs in a small reverse-mentoring pilot, meeting monthly) runs its course on the manual
clock: contracts, sessions, the baseline, mid-point and end surveys, the debrief with the managers' decision,
and the report: figures right, small groups suppressed, and nothing private in what the manager sees."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from bot.domain.surveys import Wave
from bot.services.report_formats import report_csv, report_html
from cards import verbs
from cards.report import report_card
from tests.dialogs.harness import press, user

# S3: a small reverse-mentoring pilot in the Met: young women from a community mentoring senior officers.
MANAGER = user("Pilot Manager")
PAIRS = [(user("Amara Okoye"), user("Chief Superintendent Reid")), (user("Bea Lewis"), user("Superintendent Shah")),
         (user("Chloe Mensah"), user("Commander Doyle"))]
PEOPLE = [p for pair in PAIRS for p in pair]


async def s3_pilot(world) -> tuple[str, list[str]]:
    """Three pairs, each agreeing a monthly contract on day 0 and holding its first session that week."""
    s = world.services
    for who in [MANAGER] + PEOPLE:
        await s.pairs.register(who, {"conversation": {"id": f"conv-{who.aad_object_id}"}})
    programme = await world.programme(MANAGER, "Community trust reverse mentoring pilot")
    pair_ids = [(await s.pairs.pair_people(MANAGER, programme.id, mentor, mentee)).id for mentor, mentee in PAIRS]
    for pair_id, (mentor, mentee) in zip(pair_ids, PAIRS):
        await world.agree_contract(pair_id, mentor, mentee)
    await s.due_work.sweep()
    return programme.id, pair_ids


async def a_month_of_sessions(world, pair_ids) -> None:
    world.clock.advance(timedelta(days=20))
    for pair_id, (mentor, mentee) in zip(pair_ids, PAIRS):
        await world.hold_session(pair_id, mentor, mentee)
    await world.services.due_work.sweep()
SECRET, SHARED, ACHIEVED = "my sergeant never listens", "Trust grew on both sides", "We wrote a youth engagement plan"


def survey_cards(world, who, wave: Wave) -> list[dict]:
    return [m.card for m in world.messenger.to(who.id) if m.card and any(
        a.get("verb") == verbs.SURVEY_ANSWER and a["data"].get("wave") == wave.value for a in m.card.get("actions", []))]


def debrief_cards(world, who) -> list[dict]:
    return [m.card for m in world.messenger.to(who.id) if m.card and "debrief" in json.dumps(m.card.get("actions", []))]


async def test_the_s3_pilot_runs_its_course_and_the_manager_sees_only_safe_figures(world):
    s = world.services
    programme_id, pair_ids = await s3_pilot(world)
    pair_of = {p.id: pair_ids[i // 2] for i, p in enumerate(PEOPLE)}

    # Baseline: sent when each contract came into force; everyone answers, two say whether they'd recommend it.
    assert all(len(survey_cards(world, p, Wave.BASELINE)) == 1 for p in PEOPLE)
    for n, who in enumerate(PEOPLE):
        values = {"useful": str(2 + n % 2), "confidence": "2", "goal-1": "1"} | ({"recommend": "yes"} if n < 2 else {})
        status, body, _ = await press(world.chat(who), verbs.SURVEY_ANSWER, {"pairId": pair_of[who.id], "wave": "baseline", **values})
        assert status == 200 and "your answers are in" in json.dumps(body["value"])

    for _ in range(3):
        await a_month_of_sessions(world, pair_ids)
    assert all(len(survey_cards(world, p, Wave.BASELINE)) == 1 for p in PEOPLE)  # all answered: no reminder

    # Mid-point: half way through the contracts (a Sunday, so it goes on the Monday); only two answer.
    world.clock.set(datetime(2027, 4, 12, 10, 0, tzinfo=timezone.utc))
    await s.due_work.sweep()
    assert all(len(survey_cards(world, p, Wave.MIDPOINT)) == 1 for p in PEOPLE)
    for who in PEOPLE[:2]:
        await s.surveys.answer(who, pair_of[who.id], Wave.MIDPOINT, {"useful": "4"})
    world.clock.advance(timedelta(days=3, minutes=1))
    await s.due_work.sweep()
    reminded = [p for p in PEOPLE if len(survey_cards(world, p, Wave.MIDPOINT)) == 2]
    assert reminded == PEOPLE[2:]  # one reminder, and only to those who had not answered
    for _ in range(3):
        await a_month_of_sessions(world, pair_ids)
    assert all(len(survey_cards(world, p, Wave.MIDPOINT)) <= 2 for p in PEOPLE)  # never a second reminder

    # End: the programme's end date (a Sunday), so Monday morning: the end survey and the closing summary
    # to each member, the debrief card to the manager.
    world.clock.set(datetime(2027, 7, 12, 10, 0, tzinfo=timezone.utc))
    await s.due_work.sweep()
    assert all(len(survey_cards(world, p, Wave.END)) == 1 for p in PEOPLE)
    assert all(any("Closing your pairing" in json.dumps(m.card) for m in world.messenger.to(p.id) if m.card) for p in PEOPLE)
    [to_decide] = debrief_cards(world, MANAGER)
    assert any(e.get("id") == "decision" and e["type"] == "Input.ChoiceSet" for e in to_decide["body"])
    for n, who in enumerate(PEOPLE):
        words = SECRET if n == 0 else SHARED
        await s.surveys.answer(who, pair_of[who.id], Wave.END, {"useful": str(4 + n % 2), "confidence": "4", "goal-1": "4",
                                                                  "comments": words, "share": "false" if n == 0 else "true"})
        step = "secondment" if n < 2 else "continue informally"
        _, body, _ = await press(world.chat(who), verbs.DEBRIEF_CLOSE, {"pairId": pair_of[who.id], "achieved": ACHIEVED, "nextStep": step})
        assert "What next" in json.dumps(body["value"])

    # The manager records the decision on the debrief card; the next report shows it.
    status, body, _ = await press(world.chat(MANAGER), verbs.DEBRIEF_DECIDE,
                                  {"programmeId": programme_id, "decision": "scale up", "reasons": "Both sides learnt a lot"})
    decided = json.dumps(body["value"])
    assert status == 200 and "Scale up" in decided and "Record our decision" not in decided
    _, refused, _ = await press(world.chat(PEOPLE[0]), verbs.DEBRIEF_DECIDE, {"programmeId": programme_id, "decision": "stop"})
    assert "Only the managers" in refused["value"]

    report = await s.report.programme_report(MANAGER, programme_id)
    shown = {f.key: f.shown for f in report.survey.figures()}
    assert shown["response_rate.baseline"] == "100%" and shown["responded.baseline"] == "6"
    assert shown["response_rate.midpoint"] == "fewer than 3" and shown["responded.midpoint"] == "fewer than 3"
    assert shown["useful.baseline"] == "2.5 of 5" and shown["useful.end"] == "4.5 of 5"
    assert shown["goal-progress.baseline"] == "1 of 5" and shown["goal-progress.end"] == "4 of 5"
    assert shown["recommend.baseline"] == "fewer than 3" and shown["recommend.end"] == "no data yet"
    assert report.decision.decision.value == "scale up" and report.decision.next_steps == {
        "continue informally": 4, "secondment": 2, "introduce to others": 0, "nothing more": 0}

    # Nothing private reaches the manager: no names, no unshared words, no pair's closing summary.
    card = json.dumps(report_card(report, file_buttons=True))
    to_manager = json.dumps(debrief_cards(world, MANAGER)) + decided  # (drift alerts name the pair, by design)
    csv, html = report_csv(report), report_html(report)
    for private in [SECRET, ACHIEVED] + [p.name for p in PEOPLE]:
        assert private not in card and private not in to_manager and private not in csv and private not in html, private
    assert SHARED not in card  # shared words are in the exports only
    assert SHARED in csv and SHARED in html
    assert "fewer than 3" in to_manager  # two chose a secondment: a small count, suppressed
