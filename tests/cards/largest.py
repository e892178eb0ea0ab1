"""Every card builder, called with the largest values Tandem allows (and text chosen by the caller):
shared by the card-size and hostile-text tests, which both must cover every builder in cards/."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace
from datetime import timedelta
from typing import Any, Callable

import cards
from cards import answers, pairing
from bot.domain.text import person_name
from bot.domain import limits
from bot.domain.alerts import Alert, AlertAction, AlertKind, AlertState, Step
from bot.domain.contracts import CONFIDENTIALITY_LIMIT, Contract, ContractStatus, ContractVersion
from bot.domain.drift import Assessment, Finding, Health, Rule
from bot.domain.people import Role
from bot.domain.programmes import Programme
from bot.domain.reflections import Reflection
from bot.domain.sessions import Session, SessionStatus
from cards.alerts import alert_card, channel_alert_card, status_card
from cards.choices import answered_card, choice_card
from cards.my_data import erase_answered_card, erase_confirm_card
from cards.welcome import welcome_card
from cards.safeguarding import concern_card
from cards.contract import contract_card, contract_history_card, draft_card, no_contract_card
from cards.pairing import paired_card, programme_card
from cards.report import report_card
from cards.reflection import reflection_card, reflection_prompt_card, reflections_list_card
from cards.session import (
    attendance_card, next_session_card, session_cancelled_card, session_confirmed_card, session_proposal_card, session_reminder_card,
    sessions_card,
)
from tests.domain.builders import NOW, PROGRAMME_END, TODAY, at, clauses

LONG_NAME = 400  # Teams display names have no limit Tandem controls: longer than MAX_DISPLAY_NAME on purpose
MANY = 60  # more versions, sessions, reflections, steps than any list shows
PAIRS = 500


def card_builders() -> set[str]:
    """Every public `*_card` function defined in a module of the cards package."""
    found = set()
    for info in pkgutil.iter_modules(cards.__path__):
        module = importlib.import_module(f"cards.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_card") and not name.startswith("_") and function.__module__ == module.__name__:
                found.add(f"{info.name}.{name}")
    return found


def largest_cards(fill: Callable[[int], str]) -> dict[str, list[dict[str, Any]]]:
    """builder -> the cards it makes in each state, every free-text field `fill(limit)` long."""
    name = fill(LONG_NAME)
    names = {Role.MENTOR: name, Role.MENTEE: fill(LONG_NAME)}
    terms = replace(
        clauses(), goals=tuple(fill(limits.MAX_GOAL) for _ in range(limits.MAX_GOALS)),
        contact_between=fill(limits.MAX_CLAUSE), boundaries=fill(limits.MAX_CLAUSE),
        confidentiality=CONFIDENTIALITY_LIMIT + " " + fill(limits.MAX_CONFIDENTIALITY_EXTRA),
    )
    versions = tuple(
        ContractVersion(n, terms, Role.MENTEE if n % 2 else Role.MENTOR, NOW, frozenset({Role.MENTEE}),
                        ContractStatus.REPLACED if n < MANY else ContractStatus.PROPOSED)
        for n in range(1, MANY + 1)
    )
    contract = Contract("p1", versions)
    proposal = versions[-1]
    in_force = replace(proposal, status=ContractStatus.IN_FORCE, confirmed_by=frozenset(Role), in_force_at=NOW)
    sessions = [Session(f"s{i}", at(12) + timedelta(days=i), limits_minutes(), Role.MENTEE, NOW, SessionStatus.CONFIRMED)
                for i in range(MANY)]
    held = replace(sessions[0], status=SessionStatus.HELD)
    joinable = replace(sessions[0], calendar={"eventId": "e1", "joinUrl": "https://teams.microsoft.com/l/meetup-join/" + "x" * 1500})
    session_offer = replace(sessions[0], status=SessionStatus.PROPOSED, replaces="s9")

    def reflection(i: int) -> Reflection:
        return Reflection(f"r{i}", "a", "p1", f"s{i}", at(12) + timedelta(days=i), Role.MENTEE,
                          fill(limits.MAX_REFLECTION_ANSWER), fill(limits.MAX_REFLECTION_ANSWER),
                          fill(limits.MAX_REFLECTION_ANSWER), 5, True, NOW)

    programme = Programme("prog", "t", fill(limits.MAX_PROGRAMME_NAME), ("m",), TODAY, PROGRAMME_END, NOW)
    shown_name = fill(limits.MAX_DISPLAY_NAME)  # the services cut names to this before putting them in a reason
    reason = f"{shown_name} (mentee) would like a word: \"{fill(limits.MAX_REQUEST_NOTE)}\""
    alert = Alert("help.p1.x", "prog", "p1", AlertKind.HELP, reason, NOW)
    steps = tuple(Step(AlertAction.MESSAGE, "m", fill(LONG_NAME), NOW, fill(limits.MAX_ALERT_NOTE)) for _ in range(MANY))
    busy = replace(alert, steps=steps)
    resolved = replace(busy, state=AlertState.RESOLVED)
    snoozed = replace(busy, state=AlertState.SNOOZED, snoozed_until=NOW)
    drifting = Assessment(Health.DRIFTING, (
        Finding(Rule.SILENT, Health.DRIFTING, f"{shown_name} hasn't answered 2 reminders", TODAY),
        Finding(Rule.UNREACHABLE, Health.DRIFTING, f"{shown_name} can't be reached in Teams", TODAY),
    ), None)
    emails = [fill(254), fill(254)]
    note = fill(limits.MAX_DISPLAY_NAME) + " accepted."
    return {
        "alerts.alert_card": [alert_card(a, programme.name, name, name) for a in (alert, busy, resolved, snoozed)],
        "alerts.status_card": [status_card(programme.name, [(fill(LONG_NAME), fill(LONG_NAME), drifting)] * PAIRS)],
        "contract.contract_card": [contract_card("p1", v, names, viewer, n, compared_with=in_force if v is proposal else None, kind=kind)
                                   for v in (proposal, in_force) for viewer in Role for n in ("", note)
                                   for kind in ("traditional", "reverse")],
        "contract.draft_card": [draft_card(terms, names)],
        "contract.no_contract_card": [no_contract_card("p1", viewer, name) for viewer in Role],
        "contract.contract_history_card": [contract_history_card(contract)],
        "pairing.paired_card": [paired_card("p1", replace(programme, kind=kind), role, name)
                                for role in Role for kind in ("traditional", "reverse", "group")],
        "pairing.programme_card": [programme_card(programme, PAIRS)],
        "reflection.reflection_prompt_card": [reflection_prompt_card("p1", held), reflection_prompt_card("p1", held, note)],
        "reflection.reflection_card": [reflection_card(reflection(0), "Your reflection")],
        "reflection.reflections_list_card": [reflections_list_card(
            [reflection(i) for i in range(MANY)], [(fill(LONG_NAME), reflection(i)) for i in range(MANY)])],
        "session.session_proposal_card": [session_proposal_card("p1", session_offer, name, viewer, n)
                                          for viewer in Role for n in ("", note)],
        "session.session_confirmed_card": [session_confirmed_card("p1", s, names, emails, n) for s in (sessions[0], joinable)
                                           for n in ("", note)],
        "session.attendance_card": [attendance_card("p1", s, name, n) for s in (sessions[0], joinable) for n in ("", note)],
        "session.session_reminder_card": [session_reminder_card("p1", joinable, name, "tomorrow")],
        "session.session_cancelled_card": [session_cancelled_card(sessions[0], note)],
        "session.next_session_card": [next_session_card("p1", TODAY, "monthly", name)],
        "session.sessions_card": [sessions_card("p1", name, sessions, sessions, sessions)],
        "report.report_card": [report_card(_national_report(programme.name))],
        "alerts.channel_alert_card": [channel_alert_card(a, programme.name) for a in (alert, resolved)],
        "safeguarding.concern_card": [concern_card(c, programme.name, name) for c in _concerns(fill)],
        "my_data.erase_confirm_card": [erase_confirm_card()],
        "my_data.erase_answered_card": [erase_answered_card(True), erase_answered_card(False)],
        "choices.choice_card": [choice_card("Which pairing?", [fill(LONG_NAME) for _ in range(8)], "t", hint="Say a number or a name.",
                                            finish=[]), choice_card("How often?", ["Weekly", "Monthly"], "t", hint="Say 1 or 2.")],
        "choices.answered_card": [answered_card("Which pairing?", fill(LONG_NAME))],
        "answers.answer_card": [answers.answer_card(
            "Any boundaries to agree?", "t", hint="Keep it, or write your own.",
            buttons=[answers.Button(fill(limits.MAX_CHOICE_TITLE), "default") for _ in range(3)],
            field=answers.Field("words", "Boundaries", "Use my wording", value=fill(limits.MAX_CLAUSE), max_length=limits.MAX_CLAUSE))],
        **_enrolment_cards(fill, programme),
        "answers.answered_card": [answers.answered_card("Any boundaries to agree?", fill(limits.MAX_CLAUSE))],
        # The next step is markdown the help module writes, with the name already made safe (as dialogs/help.py does).
        **_survey_cards(fill, name, programme.name),
        "welcome.welcome_card": [welcome_card(f"Draft your mentoring contract with {person_name(fill(LONG_NAME))}: say **contract**.")],
    }


def _enrolment_cards(fill: Callable[[int], str], programme) -> dict[str, list[dict[str, Any]]]:
    from bot.domain.enrolment import Participant, Status
    from bot.domain.matching import MatchResult, Method, Suggestion, Unmatched
    from bot.domain.roster import RosterRole
    from cards.enrolment import SHOWN_CHANGE_ROWS, join_card, proposal_card, reserve_offer_card, roster_card

    people = [Participant(programme.id, f"person{i}@force.example", RosterRole.MENTEE, Status.INVITED, NOW, name=fill(LONG_NAME))
              for i in range(PAIRS)]
    names = {p.email: p.name for p in people}
    result = MatchResult(Method.SUGGESTED, tuple(Suggestion(f"person{i}@force.example", f"person{i + 1}@force.example", 9,
                                                             tuple(fill(200) for _ in range(4))) for i in range(0, PAIRS, 2)),
                         tuple(Unmatched(f"person{i}@force.example", fill(300)) for i in range(MANY)))
    return {
        "pairing.programme_settings_card": [
            pairing.programme_settings_card(replace(programme, focus_areas=tuple(fill(50) for _ in range(10)),
                                                    organisations=tuple(fill(50) for _ in range(10)))),
            pairing.programme_settings_card(programme, note=fill(200))],
        "enrolment.join_card": [join_card(programme, people[0]), join_card(programme, people[0], note=fill(200)),
                                join_card(replace(programme, kind="reverse"), people[0], note=fill(200))],
        "enrolment.roster_card": [roster_card(programme, people), roster_card(replace(programme, kind="reverse"), people),
                                  roster_card(programme, people, frozenset(p.email for p in people[::2]),
                                              "https://teams.microsoft.com/l/app/3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
                                  roster_card(replace(programme, matching="stable"), [replace(p, status=Status.JOINED) for p in people])],
        "enrolment.reserve_offer_card": [reserve_offer_card(programme, people[1], people[0], tuple(fill(200) for _ in range(4))),
                                         reserve_offer_card(programme, people[1], people[0], (), note=fill(200))],
        "enrolment.proposal_card": [proposal_card(programme, Method.STABLE, result, names, "d"),
                                    proposal_card(replace(programme, kind="reverse"), Method.STABLE, result, names, "d"),
                                    proposal_card(programme, Method.SUGGESTED, result, names, "d", note=fill(1000)),
                                    proposal_card(programme, None, replace(result, pairs=result.pairs[:SHOWN_CHANGE_ROWS]), names, "d",
                                                  insisted=[p.mentee for p in result.pairs[:SHOWN_CHANGE_ROWS]])],
        **_profile_cards(fill, programme, people, names),
    }


def _profile_cards(fill: Callable[[int], str], programme, people, names) -> dict[str, list[dict[str, Any]]]:
    from bot.domain.enrolment import MAX_AVAILABILITY, MAX_JOB_TITLE, MAX_WANTS, ProfileAnswers
    from bot.domain.roster import RosterRole
    from bot.services.enrolment import ChangeRow
    from cards.enrolment import change_pairs_card, profile_card, ranking_card

    listed = replace(programme, matching="stable", focus_areas=tuple(fill(50) for _ in range(10)),
                     organisations=tuple(fill(50) for _ in range(10)))
    mentor = replace(people[0], role=RosterRole.MENTOR, job_title=fill(MAX_JOB_TITLE), organisation=fill(MAX_JOB_TITLE),
                     wants=fill(MAX_WANTS), availability=fill(MAX_AVAILABILITY), exclude=tuple(p.email for p in people[1:MANY]),
                     ranking=tuple(p.email for p in people[1:6]), line_manager="boss@force.example",
                     focus_areas=listed.focus_areas)
    entered = ProfileAnswers(fill(MAX_JOB_TITLE), fill(MAX_JOB_TITLE), (), fill(MAX_WANTS), "3", fill(MAX_AVAILABILITY),
                             tuple(p.email for p in people[1:MANY]))
    rows = [ChangeRow(p.email, people[-1].email, tuple(q.email for q in people[:MANY]), tuple(q.email for q in people[:MANY]))
            for p in people[:MANY]]
    places = {p.email: 10 for p in people}
    return {
        "enrolment.profile_card": [profile_card(listed, mentor, people[1:], lead=fill(200)),
                                   profile_card(programme, mentor, people[1:], entered=entered, problem=fill(1000)),
                                   profile_card(listed, mentor, people[1:], note=fill(200))],
        "enrolment.ranking_card": [ranking_card(listed, mentor, people[1:], problem=fill(1000)),
                                   ranking_card(listed, mentor, people[1:], note=fill(200))],
        "enrolment.change_pairs_card": [change_pairs_card(listed, rows, names, places, problem=fill(2000)),
                                        change_pairs_card(listed, [], names, places)],
    }


def _survey_cards(fill: Callable[[int], str], name: str, programme_name: str) -> dict[str, list[dict[str, Any]]]:
    from bot.domain.debrief import MAX_REASONS_TEXT, NextStep, ProgrammeDecision
    from bot.domain.surveys import (
        MAX_ANSWER_TEXT, MAX_CUSTOM_QUESTIONS, MAX_QUESTION_TEXT, SHARE_ID, Question, QuestionKind, Wave, survey_questions,
    )
    from cards import survey

    goals = [fill(limits.MAX_GOAL) for _ in range(limits.MAX_GOALS)]
    own = [Question(f"own-{n}", fill(MAX_QUESTION_TEXT), QuestionKind.SCALE) for n in range(1, MAX_CUSTOM_QUESTIONS + 1)]
    questions = survey_questions("reverse", goals, own)
    previous = {q.id: fill(MAX_ANSWER_TEXT) if q.kind.value == "text" else "5" for q in questions} | {SHARE_ID: True}
    decision = ProgrammeDecision.of("prog", "repeat", fill(MAX_REASONS_TEXT), "m", NOW, {n.value: 500 for n in NextStep})
    figures = [(fill(MAX_QUESTION_TEXT), "fewer than 3")] * 40
    steps = [(n.value, "500") for n in NextStep]
    return {
        "survey.survey_card": [survey.survey_card("p1", w, questions, TODAY, previous, note=fill(LONG_NAME)) for w in Wave],
        "survey.survey_sent_card": [survey.survey_sent_card(Wave.END, replaced) for replaced in (True, False)],
        "survey.pair_debrief_card": [survey.pair_debrief_card("p1", name, note=fill(LONG_NAME))],
        "survey.pair_debrief_done_card": [survey.pair_debrief_done_card(n) for n in NextStep],
        "survey.debrief_card": [survey.debrief_card("prog", programme_name, figures, steps, d) for d in (None, decision)],
    }


def _concerns(fill: Callable[[int], str]) -> list:
    from bot.domain.concerns import new_concern

    raised = new_concern("c1", "prog", "t:reporter", fill(limits.MAX_CONCERN), NOW).sent_to("t:lead")
    acknowledged = replace(raised, acknowledged_at=NOW)
    return [raised, acknowledged, acknowledged.closed("t:lead", fill(limits.MAX_OUTCOME), NOW)]


def _national_report(programme_name: str):
    """500 pairs over two years under the longest programme name: the report's largest card."""
    from datetime import date

    from bot.domain.report import build_report
    from tests.domain.test_report import on, programme as history

    base = history(on(date(2027, 4, 20)))[0]
    months = tuple((f"{2026 + m // 12}-{m % 12 + 1:02d}", Health.ON_TRACK if m % 3 else Health.AT_RISK) for m in range(24))
    rows = [replace(base, pair_id=f"p{n:03d}", health_by_month=months) for n in range(PAIRS)]
    return build_report("prog", programme_name, rows, date(2027, 12, 31))


def limits_minutes() -> int:
    from bot.domain.contracts import MAX_MEETING_MINUTES
    return MAX_MEETING_MINUTES
