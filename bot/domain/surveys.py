"""Outcome surveys: the questions, one person's answers, and the aggregation managers see (never an answer itself).

Sending surveys (baseline, mid-point, end) is not built yet; this is the shape the report reads. The
small-cell rule of bot/domain/report.py applies: a mean or a rate from fewer than 3 people is not shown.
Free text appears only when its author agreed to share it with the programme, and only for a question
that at least 3 people answered in that wave, so a shared answer cannot be traced by elimination.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from statistics import mean
from typing import Iterable

from bot.domain.errors import InvalidInput
from bot.domain.report import MIN_CELL, Figure, count_figure, measure_figure

MAX_ANSWER_TEXT = 2000


class Wave(str, Enum):
    BASELINE = "baseline"
    MIDPOINT = "mid-point"
    END = "end"


class QuestionKind(str, Enum):
    SCALE = "1-5"
    YES_NO = "yes/no"
    TEXT = "text"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: QuestionKind


DEFAULT_QUESTIONS = (
    Question("confidence", "How confident do you feel in your focus area?", QuestionKind.SCALE),
    Question("goal-progress", "How far have you got towards your contract's goals?", QuestionKind.SCALE),
    Question("useful", "How useful have your sessions been?", QuestionKind.SCALE),
    Question("recommend", "Would you recommend mentoring to a colleague?", QuestionKind.YES_NO),
    Question("comments", "Anything else you'd like to tell the programme?", QuestionKind.TEXT),
)
REVERSE_MENTORING_QUESTIONS = DEFAULT_QUESTIONS + (
    Question("other-world", "What have you learnt about your partner's world?", QuestionKind.TEXT),
)


@dataclass(frozen=True)
class Answer:
    """One person's answer to one question in one wave. Stored per person; never shown to the partner."""

    person_id: str
    pair_id: str
    wave: Wave
    question_id: str
    score: int | None = None  # 1-5 for a scale, 1 (yes) or 0 (no) for yes/no
    text: str = ""
    share_text: bool = False  # the author agreed the programme may see this text (unattributed)


def answer(question: Question, person_id: str, pair_id: str, wave: Wave, value: str, share_text: bool = False) -> Answer:
    """Read what someone gave for a question, or say kindly what is wanted."""
    raw = (value or "").strip()
    if question.kind is QuestionKind.SCALE:
        if raw not in ("1", "2", "3", "4", "5"):
            raise InvalidInput("Please choose from 1 (not at all) to 5 (very).")
        return Answer(person_id, pair_id, wave, question.id, score=int(raw))
    if question.kind is QuestionKind.YES_NO:
        if raw.lower() not in ("yes", "no"):
            raise InvalidInput("Please answer yes or no.")
        return Answer(person_id, pair_id, wave, question.id, score=1 if raw.lower() == "yes" else 0)
    if len(raw) > MAX_ANSWER_TEXT:
        raise InvalidInput(f"Please keep your answer under {MAX_ANSWER_TEXT} characters.")
    return Answer(person_id, pair_id, wave, question.id, text=raw, share_text=share_text)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    baseline: Figure  # mean score (or % yes) at baseline
    end: Figure  # the same at the end
    shared_text: tuple[str, ...]  # end-wave text their authors agreed to share, if enough answered


@dataclass(frozen=True)
class SurveyResults:
    response_rates: tuple[Figure, ...]  # per wave
    questions: tuple[QuestionResult, ...]

    def figures(self) -> list[Figure]:
        out = list(self.response_rates)
        for q in self.questions:
            if q.question.kind is not QuestionKind.TEXT:
                out += [q.baseline, q.end]
        return out


def _score(question: Question, wave: Wave, answers: list[Answer]) -> Figure:
    scores = [a.score for a in answers if a.score is not None]
    label = f"{question.text} ({wave.value})"
    if question.kind is QuestionKind.YES_NO:
        return measure_figure(f"{question.id}.{wave.name.lower()}", label, 100.0 * mean(scores) if scores else None, len(scores), "%")
    figure = measure_figure(f"{question.id}.{wave.name.lower()}", label, mean(scores) if scores else None, len(scores))
    return figure if figure.value is None else Figure(figure.key, figure.label, figure.value, f"{figure.shown} of 5", figure.base)


def aggregate(questions: Iterable[Question], answers: Iterable[Answer], invited: dict[Wave, int]) -> SurveyResults | None:
    """Per question, baseline against end; response rate per wave. None when nobody has answered anything."""
    answers = list(answers)
    if not answers:
        return None
    rates = []
    for wave in Wave:
        asked = invited.get(wave, 0)
        responded = len({a.person_id for a in answers if a.wave is wave})
        if not asked:
            continue
        who = count_figure(f"responded.{wave.name.lower()}", f"Responded ({wave.value})", responded)
        rate = measure_figure(f"response_rate.{wave.name.lower()}", f"Response rate ({wave.value})",
                              100.0 * responded / asked, responded, "%")
        rates += [who, rate]
    results = []
    for question in questions:
        mine = [a for a in answers if a.question_id == question.id]
        by_wave = {w: [a for a in mine if a.wave is w] for w in Wave}
        end_text = by_wave[Wave.END]
        shared = tuple(sorted(a.text for a in end_text if a.share_text and a.text)) if len(end_text) >= MIN_CELL else ()
        results.append(QuestionResult(question, _score(question, Wave.BASELINE, by_wave[Wave.BASELINE]),
                                      _score(question, Wave.END, by_wave[Wave.END]), shared))
    return SurveyResults(tuple(rates), tuple(results))
