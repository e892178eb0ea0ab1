"""Cards are Adaptive Card 1.5, carry only known verbs, and match their reviewed snapshots."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.contracts import Contract
from bot.domain.people import Role
from bot.domain.programmes import Programme
from bot.domain.reflections import new_reflection
from bot.domain.sessions import Schedule, SessionStatus
from bot.teams.actions import CardActionRouter
from bot.domain.alerts import Alert, AlertAction, AlertKind
from bot.domain.drift import Assessment, Finding, Health, Rule
from cards import verbs
from bot.domain.concerns import new_concern
from cards.alerts import alert_card, channel_alert_card, status_card
from cards.safeguarding import concern_card
from cards.contract import contract_card, contract_history_card, draft_card, no_contract_card
from cards.pairing import paired_card, programme_card
from cards.reflection import reflection_card, reflection_prompt_card, reflections_list_card
from cards.session import (
    attendance_card, next_session_card, session_cancelled_card, session_confirmed_card, session_proposal_card, session_reminder_card,
    sessions_card, teams_meeting_link,
)
from tests.domain.builders import NOW, PROGRAMME_END, TODAY, at, clauses

SNAPSHOTS = Path(__file__).parent / "snapshots"
NAMES = {Role.MENTOR: "Megan Bowen", Role.MENTEE: "Adele Vance"}


def examples() -> dict[str, dict]:
    from bot.domain.enrolment import Participant, Status
    from bot.domain.matching import MatchResult, Method, Suggestion, Unmatched
    from bot.domain.roster import RosterRole
    from cards.enrolment import join_card, proposal_card, reserve_offer_card, roster_card
    from cards.pairing import programme_settings_card
    from cards.answers import Button, Field, answer_card, answered_card
    from dialogs.contract_dialog import KEEP_HINT
    from dialogs.session_dialog import HINT as SESSION_HINT

    contract, proposal = Contract("p1").propose(Role.MENTEE, clauses(), PROGRAMME_END, NOW)
    contract, in_force = contract.accept(Role.MENTOR, 1, NOW)
    schedule, offered = Schedule("p1").propose("s1", Role.MENTEE, at(20), 60, PROGRAMME_END, NOW)
    schedule, booked, _ = schedule.accept(Role.MENTOR, "s1", PROGRAMME_END, NOW)
    held = replace(booked, status=SessionStatus.HELD)
    with_event = replace(booked, calendar={"eventId": "e1", "joinUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0"})
    reflection = new_reflection("a", "p1", Role.MENTEE, held, "Stop and search", "Trust", "Read the report", 4, False, NOW)
    programme = Programme("prog", "t", "Reverse mentoring pilot", ("m",), TODAY, PROGRAMME_END, NOW)
    alert = Alert("help.p1.x", "prog", "p1", AlertKind.HELP, 'Adele Vance (mentee) would like a word: "we keep missing each other"', NOW)
    participant = Participant("prog", "adele@force.example", RosterRole.MENTEE, Status.INVITED, NOW, name="Adele Vance")
    concern = new_concern("c1", "prog", "t:adele", "He asked me to meet him alone", NOW).sent_to("t:lead")
    return {
        "concern_sent": concern_card(concern, "Reverse mentoring pilot", "Adele Vance"),
        "concern_closed": concern_card(concern.closed("t:lead", "Spoke to both", NOW), "Reverse mentoring pilot", "Adele Vance"),
        "alert_channel_copy": channel_alert_card(alert, "Reverse mentoring pilot"),
        "contract_to_review": contract_card("p1", proposal, NAMES, Role.MENTOR),
        "contract_counter_proposal": contract_card(
            "p1", replace(proposal, number=2, clauses=replace(proposal.clauses, meeting_minutes=90, boundaries="Weekdays only")),
            NAMES, Role.MENTOR, compared_with=proposal),
        "contract_proposer_waiting": contract_card("p1", proposal, NAMES, Role.MENTEE),
        "contract_in_force": contract_card("p1", in_force, NAMES, Role.MENTEE),
        "contract_accepted_note": contract_card("p1", in_force, NAMES, Role.MENTOR, note="You accepted: the contract is in force."),
        "contract_draft": draft_card(clauses(), NAMES),
        "no_contract_mentee": no_contract_card("p1", Role.MENTEE, "Megan Bowen"),
        "contract_history": contract_history_card(contract),
        "session_offer": session_proposal_card("p1", offered, "Adele Vance", Role.MENTOR),
        "session_cancelled_by_partner": session_cancelled_card(booked, "Megan Bowen cancelled this session."),
        "session_booked": session_confirmed_card("p1", booked, NAMES, ["meganb@example.com", "adelev@example.com"]),
        "attendance": attendance_card("p1", booked, "Adele Vance"),
        "session_booked_with_event": session_confirmed_card("p1", with_event, NAMES, []),
        "session_reminder": session_reminder_card("p1", with_event, "Adele Vance", "tomorrow"),
        "next_session": next_session_card("p1", TODAY + timedelta(days=30), "monthly", "Adele Vance"),
        "sessions": sessions_card("p1", "Adele Vance", [booked], [], [held]),
        "reflection_prompt": reflection_prompt_card("p1", held),
        "reflection": reflection_card(reflection, "Your reflection"),
        "reflections_list": reflections_list_card([reflection], []),
        "paired_mentee": paired_card("p1", programme, Role.MENTEE, "Megan Bowen"),
        "paired_reverse_mentor": paired_card("p1", replace(programme, kind="reverse"), Role.MENTOR, "Adele Vance"),
        "paired_group_mentor": paired_card("p1", replace(programme, kind="group"), Role.MENTOR, "Adele Vance"),
        "contract_reverse_in_force": contract_card("p1", in_force, NAMES, Role.MENTOR, kind="reverse"),
        "programme": programme_card(programme, 3),
        "alert_open": alert_card(alert, "Reverse mentoring pilot", "Megan Bowen", "Adele Vance"),
        "alert_acknowledged": alert_card(alert.act(AlertAction.ACKNOWLEDGE, "m", "Sam Okafor", NOW), "Reverse mentoring pilot", "Megan Bowen", "Adele Vance"),
        "alert_close_request": alert_card(
            Alert("close.p1.y", "prog", "p1", AlertKind.CLOSE, "Adele Vance (mentee) asks for a no-fault close", NOW),
            "Reverse mentoring pilot", "Megan Bowen", "Adele Vance"),
        "programme_status_lifecycle": status_card("Reverse mentoring pilot", [
            ("Megan Bowen", "Adele Vance", Assessment(Health.ON_TRACK, (), None, starting=True)),
            ("Isaiah Langer", "Patti Fernandez", Assessment(Health.ON_TRACK, (), None, closing=True)),
        ]),
        "alert_resolved": alert_card(alert.act(AlertAction.RESOLVE, "m", "Sam Okafor", NOW, "Spoke to both"), "Reverse mentoring pilot", "Megan Bowen", "Adele Vance"),
        "answer_words": answer_card("Any boundaries to agree?", "t", hint=KEEP_HINT, buttons=[Button("Keep this wording", "default")],
                                    field=Field("words", "Boundaries", "Use my wording", value="No calls after 8pm")),
        "answer_length": answer_card("How long will each session last?", "t", hint="Press one, or type another length.",
                                     buttons=[Button(f"{n} minutes", str(n)) for n in (30, 45, 60, 90)]),
        "answer_when": answer_card("When would you like to meet?", "t", hint=SESSION_HINT,
                                   buttons=[Button(f"{day} Jan 2027, 10:00 GMT", f"{day[-2:]}/01/2027 10:00") for day in ("Wed 13", "Fri 15", "Tue 19")],
                                   field=Field("date and time", "Day", "Propose this time", earliest=TODAY)),
        "answer_given": answered_card("When would you like to meet?", "Wed 13 Jan 2027, 10:00 GMT"),
        "programme_settings": programme_settings_card(programme),
        "join_invitation": join_card(programme, participant),
        "reserve_offer": reserve_offer_card(programme, replace(participant, email="lynne@force.example", name="Lynne Robbins",
                                                               role=RosterRole.RESERVE), participant, ("shared focus: knife crime",)),
        "join_answered": join_card(programme, participant, note="You joined as a mentee. I'll tell you when you're matched."),
        "roster": roster_card(programme, [participant, replace(participant, email="megan@force.example", name="Megan Bowen",
                                                               role=RosterRole.MENTOR, status=Status.JOINED)]),
        "roster_waiting_to_open_tandem": roster_card(programme, [participant, replace(participant, email="nestor@force.example",
                                                                                      name="Nestor Wilke")],
                                                     frozenset({"nestor@force.example"}),
                                                     "https://teams.microsoft.com/l/app/3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
        "match_proposal": proposal_card(programme, Method.SUGGESTED, MatchResult(Method.SUGGESTED, (
            Suggestion("megan@force.example", "adele@force.example", 5, ("shared focus: knife crime",)),), (
            Unmatched("nestor@force.example", "excluded: megan@force.example"),)),
            {"megan@force.example": "Megan Bowen", "adele@force.example": "Adele Vance", "nestor@force.example": "Nestor"}, "d1"),
        "match_proposal_reverse": proposal_card(replace(programme, kind="reverse"), Method.SUGGESTED, MatchResult(Method.SUGGESTED, (
            Suggestion("megan@force.example", "adele@force.example", 3, ("shared focus: knife crime",)),), ()),
            {"megan@force.example": "Megan Bowen", "adele@force.example": "Adele Vance"}, "d1"),
        **survey_examples(),
        **profile_examples(programme, participant),
        "programme_status": status_card("Reverse mentoring pilot", [
            ("Megan Bowen", "Adele Vance", Assessment(Health.DRIFTING, (Finding(Rule.OVERDUE_SESSION, Health.DRIFTING, "no session held since 11 Jan 2027; the contract says monthly", TODAY),), None)),
            ("Isaiah Langer", "Patti Fernandez", Assessment(Health.ON_TRACK, (), None)),
        ]),
    }


def profile_examples(programme, participant) -> dict[str, dict]:
    from bot.domain.enrolment import Status
    from bot.domain.matching import MatchResult, Method, Suggestion, Unmatched
    from bot.domain.roster import RosterRole
    from bot.services.enrolment import ChangeRow
    from cards.enrolment import change_pairs_card, profile_card, proposal_card, ranking_card, roster_card

    scheme = replace(programme, name="Launch day scheme", kind="cross-sector", matching="stable",
                     focus_areas=("leadership", "data"), organisations=("City Police", "Fabrikam"))
    adele = replace(participant, status=Status.JOINED, organisation="City Police", focus_areas=("leadership",),
                    wants="To lead a team well", availability="Tue pm")
    megan = replace(participant, email="megan@fabrikam.example", name="Megan Bowen", role=RosterRole.MENTOR,
                    status=Status.JOINED, organisation="Fabrikam", capacity=2)
    isaiah = replace(megan, email="isaiah@fabrikam.example", name="Isaiah Langer", capacity=1)
    names = {"adele@force.example": "Adele Vance", "megan@fabrikam.example": "Megan Bowen", "isaiah@fabrikam.example": "Isaiah Langer",
             "patti@force.example": "Patti Fernandez"}
    rows = [ChangeRow("adele@force.example", "megan@fabrikam.example", ("megan@fabrikam.example", "isaiah@fabrikam.example"),
                      ("isaiah@fabrikam.example",)),
            ChangeRow("patti@force.example", "nobody", ("isaiah@fabrikam.example",), ())]
    chosen = MatchResult(Method.SUGGESTED, (Suggestion("megan@fabrikam.example", "adele@force.example", 3,
                                                       ("chosen by a manager", "spans organisations: Fabrikam and City Police")),),
                         (Unmatched("patti@force.example", "not paired for now (the manager's choice)"),))
    return {
        "profile_to_fill": profile_card(scheme, megan, [adele, isaiah], lead="You joined as a mentor. I'll tell you when you're matched."),
        "profile_refused": profile_card(scheme, adele, [megan, isaiah], problem="Please choose your organisation."),
        "profile_saved": profile_card(scheme, adele, [megan, isaiah], note="Saved your profile."),
        "ranking_to_choose": ranking_card(scheme, adele, [megan, isaiah]),
        "ranking_saved": ranking_card(scheme, replace(adele, ranking=("isaiah@fabrikam.example", "megan@fabrikam.example")),
                                      [megan, isaiah], note="Saved your choices."),
        "change_pairs": change_pairs_card(scheme, rows, names, {"megan@fabrikam.example": 2, "isaiah@fabrikam.example": 1}),
        "match_proposal_chosen": proposal_card(scheme, None, chosen, names, "d2"),
        "roster_launch_day": roster_card(scheme, [adele, megan]),
    }


def survey_examples() -> dict[str, dict]:
    from bot.domain.debrief import NextStep, ProgrammeDecision
    from bot.domain.surveys import Wave, survey_questions
    from cards.survey import debrief_card, pair_debrief_card, pair_debrief_done_card, survey_card, survey_sent_card

    questions = survey_questions("reverse", ("Understand knife crime in Newham",))
    figures = [("Pairs matched", "3"), ("Response rate (end)", "100%"), ("How useful have your sessions been? (end)", "4.3 of 5")]
    steps = [(n.value, "fewer than 3" if n is NextStep.SECONDMENT else "0") for n in NextStep]
    decision = ProgrammeDecision.of("prog", "scale up", "Trust grew on both sides", "m", NOW, {"secondment": 2})
    return {
        "survey_baseline": survey_card("p1", Wave.BASELINE, questions, TODAY),
        "survey_sent": survey_sent_card(Wave.BASELINE, False),
        "pair_debrief": pair_debrief_card("p1", "Megan Bowen"),
        "pair_debrief_done": pair_debrief_done_card(NextStep.SECONDMENT),
        "debrief_to_decide": debrief_card("prog", "Reverse mentoring pilot", figures, steps),
        "debrief_decided": debrief_card("prog", "Reverse mentoring pilot", figures, steps, decision),
    }


def walk_actions(card: dict):
    yield from card.get("actions", [])
    for element in card.get("body", []):
        yield from element.get("actions", [])


@pytest.mark.parametrize("name", sorted(examples()))
def test_card_is_adaptive_card_1_5_and_its_buttons_carry_known_verbs(name):
    card = examples()[name]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    for action in walk_actions(card):
        assert action["type"] in ("Action.Execute", "Action.OpenUrl")
        if action["type"] == "Action.Execute":
            assert action["verb"] in verbs.ALL
            # what it acts on, or (a prompt's answer) the token of the question it answers
            assert (action["data"].get("pairId") == "p1" or action["data"].get("concernId") == "c1" or action["data"].get("token") == "t"
                    or action["data"].get("programmeId") == "prog")  # the debrief decision acts on the programme
            assert all(isinstance(v, (str, int)) for v in action["data"].values())
            assert "actor" not in json.dumps(action["data"]).lower()  # who acts never rides in card data


@pytest.mark.parametrize("name", sorted(examples()))
def test_card_matches_its_snapshot(name):
    path = SNAPSHOTS / f"{name}.json"
    actual = json.dumps(examples()[name], indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual)
    assert path.exists(), f"no snapshot for {name}: review the card, then run with UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text()


def test_every_verb_has_exactly_one_handler_and_every_handler_a_verb():
    router = CardActionRouter(services=None, start_conversation=None, continue_conversation=None)
    assert set(router.handlers) == set(verbs.ALL) and len(verbs.ALL) == len(set(verbs.ALL))


def test_a_card_that_was_acted_on_has_no_buttons_left():
    assert "actions" not in examples()["contract_accepted_note"]


def test_teams_meeting_link_has_both_attendees_and_uk_times():
    _, offered = Schedule("p1").propose("s1", Role.MENTEE, at(14, hour=13, month=6), 60, PROGRAMME_END, NOW)
    link = teams_meeting_link("Mentoring", offered, ["meganb@example.com", "adelev@example.com"])
    assert link.startswith("https://teams.microsoft.com/l/meeting/new?")
    assert "attendees=meganb%40example.com%2Cadelev%40example.com" in link
    assert "startTime=2027-06-14T14%3A00%3A00%2B01%3A00" in link  # 13:00 UTC is 14:00 BST
