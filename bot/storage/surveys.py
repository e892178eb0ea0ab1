"""Survey answers, the programme's survey tally, managers' own questions, and the debrief records.

Responses, the tally, the questions and the decision live in the programme's partition (the tally is one
point read for the report); a pair's closing summaries live in the pair's own partition."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from bot.domain.debrief import PairDebrief, ProgrammeDecision
from bot.domain.surveys import MAX_CUSTOM_QUESTIONS, Question, SurveyResponse, SurveyTally, Wave
from bot.domain.errors import InvalidState
from bot.storage.documents import PAIRS, PROGRAMMES, DocumentNotFound, DocumentStore, read_modify_write
from bot.storage.kinds import PAIR_DEBRIEF, PROGRAMME_DECISION, QUESTION, SURVEY_RESPONSE, SURVEY_TALLY
from bot.storage.schema import SCHEMA

R = TypeVar("R")
SURVEY_DOC = "survey"  # one per programme: the tally, the managers' own questions and the debrief decision


class SurveyRepository:
    def __init__(self, store: DocumentStore):
        self._store = store

    @staticmethod
    def _response_id(wave: Wave, person_id: str) -> str:
        return f"surveyResponse.{wave.name.lower()}.{person_id}"

    async def save_response(self, response: SurveyResponse) -> None:
        """One response per person per wave: answering again replaces the first."""
        await self._store.upsert(PROGRAMMES, response.programme_id, self._response_id(response.wave, response.person_id),
                                 SURVEY_RESPONSE.dump(response))

    async def response(self, programme_id: str, wave: Wave, person_id: str) -> SurveyResponse | None:
        try:
            doc = await self._store.read(PROGRAMMES, programme_id, self._response_id(wave, person_id))
        except DocumentNotFound:
            return None
        return SURVEY_RESPONSE.load(doc.body, doc.id)

    async def responses_by(self, programme_id: str, person_id: str) -> list[SurveyResponse]:
        docs = await self._store.query(PROGRAMMES, programme_id, {"type": "surveyResponse", "personId": person_id})
        return sorted((SURVEY_RESPONSE.load(d.body, d.id) for d in docs), key=lambda r: r.answered_at)

    async def _survey_doc(self, programme_id: str) -> dict[str, Any]:
        try:
            return (await self._store.read(PROGRAMMES, programme_id, SURVEY_DOC)).body
        except DocumentNotFound:
            return {}

    async def _change(self, programme_id: str, change: Callable[[dict[str, Any]], tuple[dict[str, Any], R]]) -> R:
        def apply(body: dict[str, Any] | None) -> tuple[dict[str, Any], R]:
            updated, result = change(dict(body or {}))
            return {**SURVEY_TALLY.upgrade(updated, programme_id), "type": SURVEY_DOC, SCHEMA: SURVEY_TALLY.version}, result

        return await read_modify_write(self._store, PROGRAMMES, programme_id, SURVEY_DOC, apply)

    async def for_report(self, programme_id: str) -> tuple[SurveyTally, tuple[Question, ...], ProgrammeDecision | None]:
        """Everything the report needs about surveys, in one point read."""
        body = await self._survey_doc(programme_id)
        return SURVEY_TALLY.load(body, programme_id), _questions(body), _decision(body)

    async def tally(self, programme_id: str) -> SurveyTally:
        return SURVEY_TALLY.load(await self._survey_doc(programme_id), programme_id)

    async def change_tally(self, programme_id: str, change: Callable[[SurveyTally], tuple[SurveyTally, R]]) -> R:
        def apply(body: dict[str, Any]) -> tuple[dict[str, Any], R]:
            updated, result = change(SURVEY_TALLY.load(body, programme_id))
            return {**body, **SURVEY_TALLY.plain(updated)}, result

        return await self._change(programme_id, apply)

    async def questions(self, programme_id: str) -> tuple[Question, ...]:
        return _questions(await self._survey_doc(programme_id))

    async def add_question(self, programme_id: str, make: Callable[[int], Question]) -> Question:
        """Add a manager's own question (numbered in order); at most MAX_CUSTOM_QUESTIONS."""
        def apply(body: dict[str, Any]) -> tuple[dict[str, Any], Question]:
            existing = list(body.get("questions", []))
            if len(existing) >= MAX_CUSTOM_QUESTIONS:
                raise InvalidState(f"A programme can have up to {MAX_CUSTOM_QUESTIONS} questions of its own.")
            question = make(len(existing) + 1)
            existing.append(QUESTION.plain(question))
            return {**body, "questions": existing}, question

        return await self._change(programme_id, apply)

    async def erase_person(self, programme_id: str, pair_id: str, person_id: str) -> int:
        """Everything one person answered or wrote here: their responses, their entry in the tally (the
        invitation stays, so a response rate still counts them as asked) and their closing summary."""
        removed = 0
        for response in await self.responses_by(programme_id, person_id):
            await self._store.delete(PROGRAMMES, programme_id, self._response_id(response.wave, person_id))
            removed += 1
        await self.change_tally(programme_id, lambda t: (t.without(person_id), None))
        await self._store.delete(PAIRS, pair_id, f"debrief.{person_id}")
        return removed

    # Debrief ------------------------------------------------------------------------------------
    async def save_pair_debrief(self, debrief: PairDebrief) -> None:
        await self._store.upsert(PAIRS, debrief.pair_id, f"debrief.{debrief.person_id}", PAIR_DEBRIEF.dump(debrief))

    async def pair_debriefs(self, pair_id: str) -> list[PairDebrief]:
        docs = await self._store.query(PAIRS, pair_id, {"type": "pairDebrief"})
        return sorted((PAIR_DEBRIEF.load(d.body, d.id) for d in docs), key=lambda d: d.at)

    async def save_decision(self, decision: ProgrammeDecision) -> None:
        """The managers' decision, kept with the programme's survey document (a later decision replaces it)."""
        await self._change(decision.programme_id, lambda body: ({**body, "decision": PROGRAMME_DECISION.plain(decision)}, None))

    async def decision(self, programme_id: str) -> ProgrammeDecision | None:
        return _decision(await self._survey_doc(programme_id))


def _questions(body: dict[str, Any]) -> tuple[Question, ...]:
    return tuple(QUESTION.load(q) for q in body.get("questions", []))


def _decision(body: dict[str, Any]) -> ProgrammeDecision | None:
    return PROGRAMME_DECISION.load(body["decision"], "decision") if body.get("decision") else None
