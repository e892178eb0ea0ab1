"""Surveys and the debrief: scheduling the three waves in the due-work queue, sending each to both members
of a pair, one reminder, taking answers (each person's own, replacing an earlier send), the closing
summary, and the managers' decision. The report reads the programme's tally (one point read)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import datetime, time
from typing import Any, Awaitable, Callable

from bot.domain.debrief import NextStep, PairDebrief, ProgrammeDecision
from bot.domain.due import DEBRIEF, SURVEY, SURVEY_REMINDER, DueItem
from bot.domain.errors import InvalidInput, InvalidState
from bot.domain.people import Role
from bot.domain.policy import Action
from bot.domain.programmes import Pair, Programme, PairStatus
from bot.domain.report import build_report, count_figure
from bot.domain.surveys import (
    REMIND_AFTER, SHARE_ID, SURVEY_OPEN, TRADITIONAL, Question, QuestionKind, SurveyResponse, SurveyResults, Wave, custom_question,
    midpoint, programme_questions, read_answers, survey_questions, choosable, report_question_id,
)
from bot.domain.uktime import format_day, uk_instant, uk_today
from bot.services.context import Actor, Message, ServiceContext
from bot.services.nudges import NudgePolicy, Outcome
from bot.services.pairs import PairService
from cards.survey import debrief_card, pair_debrief_card, survey_card

log = logging.getLogger(__name__)
Reached = Callable[[str], Awaitable[None]]
SEND_AT = time(10, 0)  # surveys go mid-morning, UK time, on the day they fall due
CLOSED = "That survey has closed, so I can't take answers for it now. Thank you all the same."
NOT_SENT = "That survey isn't open for you. Say **help** to carry on."


def programme_kind(programme: Programme) -> str:
    """A programme's kind (traditional or reverse), where the programme record has one."""
    return getattr(programme, "kind", None) or TRADITIONAL


class SurveyService:
    def __init__(self, ctx: ServiceContext, pairs: PairService, policy: NudgePolicy | None = None):
        self._ctx = ctx
        self._pairs = pairs
        self._policy = policy or NudgePolicy()

    # Scheduling: called when a contract comes into force ---------------------------------------
    async def after_contract_in_force(self, pair_id: str) -> None:
        """Baseline now, mid-point half way through the contract, end (and the debrief) at the programme's end."""
        repos = self._ctx.repos
        pair = await repos.pairs.get(pair_id)
        programme = await repos.programmes.get(pair.programme_id)
        contract = await repos.pairs.contract(pair_id)
        if contract.in_force is None:
            return
        clauses = contract.in_force.clauses
        now = self._ctx.clock.now()
        due = repos.due.schedule
        await due(DueItem(SURVEY, now, pair_id, "", detail=Wave.BASELINE.value))
        mid = uk_instant(midpoint(clauses.start_date, clauses.end_date), SEND_AT)
        if mid > now:
            await due(DueItem(SURVEY, mid, pair_id, "", detail=Wave.MIDPOINT.value))
        end = max(uk_instant(programme.ends_on, SEND_AT), now)
        await due(DueItem(SURVEY, end, pair_id, "", detail=Wave.END.value))
        await due(DueItem(DEBRIEF, end, "", programme.id))

    # Delivering: called by the sweep ------------------------------------------------------------
    async def deliver(self, item: DueItem, now: datetime, reached: Reached | None = None) -> Outcome:
        if not self._policy.quiet.allows(now):
            await self._ctx.repos.due.schedule(replace(item, due_at=self._policy.quiet.next_allowed(now)))
            return Outcome.POSTPONED
        if item.kind == DEBRIEF:
            return await self._debrief_managers(item, reached)
        wave = Wave(item.detail)
        repos = self._ctx.repos
        pair = await repos.pairs.get(item.pair_id)
        if pair.status is not PairStatus.ACTIVE:
            return Outcome.SKIPPED
        programme = await repos.programmes.get(pair.programme_id)
        tally = await repos.surveys.tally(programme.id)
        sent_any = False
        for role in Role:
            person_id = pair.member(role)
            person = await repos.people.get(person_id)
            if person_id in item.sent_to or not person.nudgeable(now):
                continue
            sent_at = tally.sent_at(wave, person_id)
            if item.kind == SURVEY_REMINDER:
                if sent_at is None or now >= sent_at + SURVEY_OPEN or tally.answered(wave, person_id):
                    continue  # never sent, closed, or answered: no reminder
                text = "A reminder: your mentoring survey is still open. It takes two minutes."
            else:
                if sent_at is not None:
                    continue  # already sent (a contract change moved the date): once per wave
                sent_at = now
                text = "A short survey about your mentoring: your partner never sees your answers."
            questions = await self._questions_for(programme, pair)
            card = survey_card(pair.id, wave, questions, uk_today(sent_at + SURVEY_OPEN))
            # Keyed by pair, wave and person: a retry after a failed write below never sends the survey twice.
            sending = "survey-reminder" if item.kind == SURVEY_REMINDER else "survey"
            await self._ctx.notify(person_id, Message(text=text, card=card), key=f"{sending}.{pair.id}.{wave.value}.{person_id}")
            if item.kind == SURVEY:
                await repos.surveys.change_tally(programme.id, lambda t, p=person_id: (t.with_invite(wave, p, now), None))
                if wave is Wave.END:
                    partner = await repos.people.get(pair.member(role.other))
                    await self._ctx.notify(person_id, Message(
                        text="The programme has ended: close your pairing with a short summary.",
                        card=pair_debrief_card(pair.id, partner.name)), key=f"pair-debrief.{pair.id}.{person_id}")
            if reached is not None:
                await reached(person_id)
            sent_any = True
        if item.kind == SURVEY and sent_any:
            await repos.due.schedule(DueItem(SURVEY_REMINDER, now + REMIND_AFTER, pair.id, "", detail=wave.value))
        return Outcome.SENT if sent_any else Outcome.SKIPPED

    async def _debrief_managers(self, item: DueItem, reached: Reached | None) -> Outcome:
        programme = await self._ctx.repos.programmes.get(item.session_id)
        card = await self._debrief_card(programme)
        for manager_id in programme.managers:
            if manager_id in item.sent_to:
                continue
            await self._ctx.notify(manager_id, Message(text=f"{programme.name} has reached its end date: time for the debrief.", card=card),
                                   key=f"debrief.{programme.id}.{manager_id}")
            if reached is not None:
                await reached(manager_id)
        return Outcome.SENT

    # Participants -------------------------------------------------------------------------------
    async def survey(self, actor: Actor, pair_id: str, wave: Wave) -> dict[str, Any]:
        """The survey card again, with the person's own earlier answers filled in."""
        view = await self._pairs.view(actor, pair_id, Action.ANSWER_SURVEY)
        sent_at = await self._open(view.programme.id, wave, actor.id)
        previous = await self._ctx.repos.surveys.response(view.programme.id, wave, actor.id)
        questions = await self._questions_for(view.programme, view.pair)
        kinds = {q.id: q.kind for q in questions}
        values: dict[str, Any] = {}
        for a in previous.answers if previous else ():
            if kinds.get(a.question_id) is QuestionKind.TEXT:
                values[a.question_id] = a.text
            elif kinds.get(a.question_id) is QuestionKind.YES_NO:
                values[a.question_id] = "yes" if a.score == 1 else "no"
            elif a.score is not None:
                values[a.question_id] = int(a.score)
        values[SHARE_ID] = any(a.share_text for a in previous.answers) if previous else False
        return survey_card(pair_id, wave, questions, uk_today(sent_at + SURVEY_OPEN), values)

    async def answer(self, actor: Actor, pair_id: str, wave: Wave, values: dict[str, Any]) -> tuple[SurveyResponse, bool]:
        """Take one person's answers to a wave they were sent and that is still open. True if they replace earlier ones."""
        view = await self._pairs.view(actor, pair_id, Action.ANSWER_SURVEY)
        await self._open(view.programme.id, wave, actor.id)
        share = str(values.get(SHARE_ID, "")).lower() == "true"
        questions = await self._questions_for(view.programme, view.pair)
        answers = read_answers(questions, actor.id, pair_id, wave, values, share)
        response = SurveyResponse(view.programme.id, pair_id, actor.id, wave, answers, self._ctx.clock.now())
        repos = self._ctx.repos
        replaced = await repos.surveys.response(view.programme.id, wave, actor.id) is not None
        await repos.surveys.save_response(response)
        await repos.surveys.change_tally(view.programme.id, lambda t: (t.with_response(response), None))
        return response, replaced

    async def _open(self, programme_id: str, wave: Wave, person_id: str) -> datetime:
        sent_at = (await self._ctx.repos.surveys.tally(programme_id)).sent_at(wave, person_id)
        if sent_at is None:
            raise InvalidState(NOT_SENT)
        if self._ctx.clock.now() >= sent_at + SURVEY_OPEN:
            raise InvalidState(CLOSED)
        return sent_at

    async def close_pairing(self, actor: Actor, pair_id: str, achieved: str, step: str) -> PairDebrief:
        """A member's closing summary: kept with the pair; the programme sees only how many chose each next step."""
        view = await self._pairs.view(actor, pair_id, Action.CLOSE_PAIRING)
        if uk_today(self._ctx.clock.now()) < view.programme.ends_on:
            raise InvalidState(f"Closing summaries open when the programme ends, on {format_day(view.programme.ends_on)}.")
        debrief = PairDebrief.of(pair_id, actor.id, achieved, step, self._ctx.clock.now())
        await self._ctx.repos.surveys.save_pair_debrief(debrief)
        return debrief

    # Managers -----------------------------------------------------------------------------------
    async def add_question(self, actor: Actor, programme_id: str, text: str) -> Question:
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.MANAGE_SURVEY)
        custom_question(1, text)  # refuse a bad question before writing anything
        return await self._ctx.repos.surveys.add_question(programme_id, lambda n: custom_question(n, text))

    async def questions(self, actor: Actor, programme_id: str) -> tuple[Question, ...]:
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.MANAGE_SURVEY)
        return programme_questions(programme_kind(programme), await self._ctx.repos.surveys.questions(programme_id),
                                   programme.survey_dropped)

    async def choose_default(self, actor: Actor, programme_id: str, number: int, ask: bool) -> Question:
        """Leave out (or put back) default question `number`, as numbered in `choosable` for the programme's kind.
        Surveys already sent keep their questions; the next ones follow the choice."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.MANAGE_SURVEY)
        defaults = choosable(programme_kind(programme))
        if not 1 <= number <= len(defaults):
            raise InvalidInput(f"Give the number of one of the {len(defaults)} standard questions, as **survey questions** lists them.")
        question = defaults[number - 1]
        key = report_question_id(question.id)

        def change(p: Programme) -> Programme:
            dropped = tuple(d for d in p.survey_dropped if d != key) + (() if ask else (key,))
            if len(dropped) >= len(defaults):
                raise InvalidInput("Keep at least one of the standard questions, so the surveys can be compared.")
            return replace(p, survey_dropped=dropped)

        await self._ctx.repos.programmes.change(programme_id, change)
        return question

    async def next_steps(self, actor: Actor, programme_id: str) -> dict[str, int]:
        """How many pair members chose each next step: counts only, no pair named."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.VIEW_REPORT)
        return await self._next_steps(programme)

    async def record_decision(self, actor: Actor, programme_id: str, decision: str, reasons: str) -> ProgrammeDecision:
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.RECORD_DECISION)
        recorded = ProgrammeDecision.of(programme_id, decision, reasons, actor.id, self._ctx.clock.now(),
                                        await self._next_steps(programme))
        await self._ctx.repos.surveys.save_decision(recorded)
        return recorded

    async def debrief(self, actor: Actor, programme_id: str) -> dict[str, Any]:
        """The managers' debrief card (with the decision, once recorded)."""
        programme = await self._ctx.repos.programmes.get(programme_id)
        await self._ctx.require_in(actor, programme, Action.VIEW_REPORT)
        return await self._debrief_card(programme)

    # The report's survey source -----------------------------------------------------------------
    async def for_report(self, programme: Programme) -> tuple[SurveyResults | None, ProgrammeDecision | None]:
        """The report's survey figures and the decision, from one point read (the report checked its reader)."""
        tally, own, decision = await self._ctx.repos.surveys.for_report(programme.id)
        return tally.results(programme_questions(programme_kind(programme), own, programme.survey_dropped)), decision

    # Steps --------------------------------------------------------------------------------------
    async def _questions_for(self, programme: Programme, pair: Pair) -> tuple[Question, ...]:
        contract = await self._ctx.repos.pairs.contract(pair.id)
        goals = contract.in_force.clauses.goals if contract.in_force else ()
        return survey_questions(programme_kind(programme), goals, await self._ctx.repos.surveys.questions(programme.id),
                                programme.survey_dropped)

    async def _next_steps(self, programme: Programme) -> dict[str, int]:
        counts: Counter[NextStep] = Counter()
        for pair_id in await self._ctx.repos.programmes.roster(programme.id):
            for d in await self._ctx.repos.surveys.pair_debriefs(pair_id):
                counts[d.next_step] += 1
        return {step.value: counts[step] for step in NextStep}

    async def _debrief_card(self, programme: Programme) -> dict[str, Any]:
        summaries = await self._ctx.repos.summaries.in_programme(programme.id)
        report = build_report(programme.id, programme.name, summaries, uk_today(self._ctx.clock.now()))
        results, decision = await self.for_report(programme)
        figures = [(f.label, f.shown) for f in report.headline[:6] + tuple(results.figures() if results else ())]
        steps = [(step, count_figure(step, step, n).shown) for step, n in (await self._next_steps(programme)).items()]
        return debrief_card(programme.id, programme.name, figures, steps, decision)

