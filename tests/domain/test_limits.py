"""Every free-text field has a limit, checked before anything is saved, and the refusal states it."""

from __future__ import annotations


import pytest

from bot.domain import limits
from bot.domain.alerts import AlertAction
from bot.domain.contracts import CONFIDENTIALITY_LIMIT
from bot.domain.errors import InvalidInput
from bot.domain.reflections import clean_text
from bot.domain.text import person_name
from dialogs.contract_dialog import parse_clause, parse_confidentiality_extra, parse_goals
from tests.dialogs.harness import ADMIN, user
from tests.domain.builders import PROGRAMME_END, clauses

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")


def over(limit: int) -> str:
    return "x" * (limit + 12)


def states_the_limit(error: pytest.ExceptionInfo, limit: int) -> None:
    message = error.value.message
    assert f"{limit} characters" in message and str(limit + 12) in message, message


def test_a_goal_over_the_limit_is_refused_saying_the_limit_and_its_length():
    with pytest.raises(InvalidInput) as error:
        clauses(goals=("A fine goal", over(limits.MAX_GOAL))).validate(PROGRAMME_END)
    states_the_limit(error, limits.MAX_GOAL)
    assert "goal 2" in error.value.message
    assert clauses(goals=("x" * limits.MAX_GOAL,)).validate(PROGRAMME_END).goals == ("x" * limits.MAX_GOAL,)


def test_typed_goals_are_refused_at_the_prompt_too():
    with pytest.raises(InvalidInput) as error:
        parse_goals(over(limits.MAX_GOAL))
    states_the_limit(error, limits.MAX_GOAL)


@pytest.mark.parametrize("field", ["contact_between", "boundaries"])
def test_each_clause_over_the_limit_is_refused(field):
    with pytest.raises(InvalidInput) as error:
        clauses(**{field: over(limits.MAX_CLAUSE)}).validate(PROGRAMME_END)
    states_the_limit(error, limits.MAX_CLAUSE)
    with pytest.raises(InvalidInput) as at_prompt:
        parse_clause(over(limits.MAX_CLAUSE))
    states_the_limit(at_prompt, limits.MAX_CLAUSE)


def test_what_is_added_to_confidentiality_has_its_own_limit():
    with pytest.raises(InvalidInput) as error:
        clauses(confidentiality=CONFIDENTIALITY_LIMIT + " " + over(limits.MAX_CONFIDENTIALITY_EXTRA)).validate(PROGRAMME_END)
    states_the_limit(error, limits.MAX_CONFIDENTIALITY_EXTRA)
    with pytest.raises(InvalidInput) as at_prompt:
        parse_confidentiality_extra(over(limits.MAX_CONFIDENTIALITY_EXTRA))
    states_the_limit(at_prompt, limits.MAX_CONFIDENTIALITY_EXTRA)
    extra = "x" * limits.MAX_CONFIDENTIALITY_EXTRA
    assert clauses(confidentiality=CONFIDENTIALITY_LIMIT + " " + extra).validate(PROGRAMME_END)


def test_a_reflection_answer_over_the_limit_is_refused():
    with pytest.raises(InvalidInput) as error:
        clean_text("what I learned", over(limits.MAX_REFLECTION_ANSWER))
    states_the_limit(error, limits.MAX_REFLECTION_ANSWER)
    assert clean_text("what I learned", "x" * limits.MAX_REFLECTION_ANSWER)


def test_a_display_name_from_teams_is_cut_for_display_not_refused():
    shown = person_name("N" * 500)
    assert len(shown) == limits.MAX_DISPLAY_NAME and shown.endswith("\u2026")


async def test_an_over_long_goal_saves_no_contract(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    with pytest.raises(InvalidInput) as error:
        await world.services.contracts.propose(MENTEE, pair_id, clauses(goals=(over(limits.MAX_GOAL),)))
    states_the_limit(error, limits.MAX_GOAL)
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).versions == ()


async def test_an_over_long_reflection_saves_nothing(world):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.agree_contract(pair_id, MENTOR, MENTEE)
    session = await world.hold_session(pair_id, MENTOR, MENTEE)
    with pytest.raises(InvalidInput) as error:
        await world.services.reflections.write(MENTEE, pair_id, session.id, "ok", over(limits.MAX_REFLECTION_ANSWER), "ok", 4, False)
    states_the_limit(error, limits.MAX_REFLECTION_ANSWER)
    assert await world.services.ctx.repos.reflections.by_author(MENTEE.id) == []


@pytest.mark.parametrize("ask", ["request_help", "request_close"])
async def test_an_over_long_help_or_close_note_raises_no_alert(world, ask):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    pair = await world.services.ctx.repos.pairs.get(pair_id)
    sent_before = len(world.messenger.sent)
    with pytest.raises(InvalidInput) as error:
        await getattr(world.services.alerts, ask)(MENTEE, pair_id, over(limits.MAX_REQUEST_NOTE))
    states_the_limit(error, limits.MAX_REQUEST_NOTE)
    assert await world.services.ctx.repos.alerts.in_programme(pair.programme_id) == []
    assert len(world.messenger.sent) == sent_before


@pytest.mark.parametrize("action", [AlertAction.RESOLVE, AlertAction.MESSAGE])
async def test_an_over_long_resolve_note_or_manager_message_changes_nothing(world, action):
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    alert = await world.services.alerts.request_help(MENTEE, pair_id, "")
    sent_before = len(world.messenger.sent)
    with pytest.raises(InvalidInput) as error:
        await world.services.alerts.act(MANAGER, alert.programme_id, alert.id, action, over(limits.MAX_ALERT_NOTE))
    states_the_limit(error, limits.MAX_ALERT_NOTE)
    saved = await world.services.ctx.repos.alerts.find(alert.programme_id, alert.id)
    assert saved.steps == () and saved.state is alert.state
    assert len(world.messenger.sent) == sent_before


async def test_an_over_long_programme_name_creates_no_programme(world):
    with pytest.raises(InvalidInput) as error:
        await world.services.pairs.create_programme(ADMIN, over(limits.MAX_PROGRAMME_NAME))
    states_the_limit(error, limits.MAX_PROGRAMME_NAME)
    assert await world.services.pairs.managed_by(MANAGER) == []


def test_the_limit_check_trims_before_counting():
    assert limits.check_length("it", "  " + "x" * 10 + "  ", 10) == "x" * 10
