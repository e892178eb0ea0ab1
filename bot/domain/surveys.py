"""Outcome surveys: the questions, one person's answers, and the aggregation managers see (never an answer itself).

Sending them (baseline, mid-point, end) is bot/services/surveys.py; this is the shape of the questions,
the answers, and the tally the report reads. The small-cell rule of bot/domain/report.py applies: a mean or a rate from fewer than 3 people is not shown.
Free text appears only when its author agreed to share it with the programme, and only for a question
that at least 3 people answered in that wave, so a shared answer cannot be traced by elimination.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from statistics import mean
from typing import Any, Iterable

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
    score: float | None = None  # 1-5 for a scale, 1 (yes) or 0 (no) for yes/no
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


# Which questions, and when ------------------------------------------------------------------------

TRADITIONAL, REVERSE = "traditional", "reverse"
SURVEY_OPEN = timedelta(days=14)  # a survey closes this long after it was sent: no answers, no reminder after
REMIND_AFTER = timedelta(days=3)  # one reminder, this long after it was sent, to whoever has not answered
MAX_CUSTOM_QUESTIONS = 5
MAX_QUESTION_TEXT = 150
SHARE_ID = "share"  # the consent toggle's input id on the card


def survey_questions(kind: str | None = TRADITIONAL, goals: Iterable[str] = (),
                     custom: Iterable[Question] = (), dropped: Iterable[str] = ()) -> tuple[Question, ...]:
    """The questions one person is asked: the default set (one progress question per contract goal, in the
    goal's own words) less any the managers dropped, the reverse-mentoring question for a reverse
    programme, then the manager's own."""
    goal_questions = tuple(Question(f"goal-{n}", f"How far have you got towards this goal: {goal}?", QuestionKind.SCALE)
                           for n, goal in enumerate(goals, 1))
    base = [DEFAULT_QUESTIONS[0], *(goal_questions or (DEFAULT_QUESTIONS[1],)), *DEFAULT_QUESTIONS[2:]]
    if (kind or TRADITIONAL) == REVERSE:
        base.append(REVERSE_MENTORING_QUESTIONS[-1])
    gone = set(dropped)
    return tuple(q for q in base if report_question_id(q.id) not in gone) + tuple(custom)


def programme_questions(kind: str | None = TRADITIONAL, custom: Iterable[Question] = (),
                        dropped: Iterable[str] = ()) -> tuple[Question, ...]:
    """The questions the report aggregates: every pair's goal questions are counted as "goal progress"."""
    return survey_questions(kind, (), custom, dropped)


def choosable(kind: str | None = TRADITIONAL) -> tuple[Question, ...]:
    """The default questions a manager may leave out or put back (the goal questions go as one)."""
    return survey_questions(kind)


def report_question_id(question_id: str) -> str:
    """Per-goal answers are reported together (goals differ between pairs)."""
    return "goal-progress" if question_id.startswith("goal-") else question_id


def custom_question(number: int, text: str) -> Question:
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise InvalidInput("Give the question, for example: **survey question add How well did your partner listen?**")
    if len(cleaned) > MAX_QUESTION_TEXT:
        raise InvalidInput(f"Please keep a question under {MAX_QUESTION_TEXT} characters; this one has {len(cleaned)}.")
    return Question(f"own-{number}", cleaned, QuestionKind.SCALE)


def midpoint(start: date, end: date) -> date:
    return start + (end - start) / 2


def read_answers(questions: Iterable[Question], person_id: str, pair_id: str, wave: Wave,
                 values: dict[str, Any], share_text: bool) -> tuple[Answer, ...]:
    """A whole card's answers. A scale or yes/no left blank is simply not answered; a wrong value is refused."""
    out = []
    for question in questions:
        raw = values.get(question.id)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        out.append(answer(question, person_id, pair_id, wave, str(raw), share_text))
    if not out:
        raise InvalidInput("Please answer at least one question before sending.")
    return tuple(out)


@dataclass(frozen=True)
class SurveyResponse:
    """One person's answers to one wave: answering again replaces it."""

    programme_id: str
    pair_id: str
    person_id: str
    wave: Wave
    answers: tuple[Answer, ...]
    answered_at: datetime


def respondent_key(person_id: str) -> str:
    """How the programme's aggregate names a respondent: not their id, so the aggregate names nobody."""
    return hashlib.sha256(f"tandem-survey:{person_id}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SurveyTally:
    """A programme's survey figures kept in one small document, updated on each send and each answer, so the
    report reads it with one point read. Entries are keyed by an opaque respondent key; free text is kept
    only when its author agreed to share it."""

    invited: dict[str, dict[str, str]]  # wave -> respondent key -> when sent (ISO)
    entries: dict[str, dict[str, Any]]  # "<wave>.<key>" -> {"scores": {question: score}, "shared": {question: text}}

    @classmethod
    def empty(cls) -> "SurveyTally":
        return cls({}, {})

    def with_invite(self, wave: Wave, person_id: str, at: datetime) -> "SurveyTally":
        sent = dict(self.invited.get(wave.value, {}))
        sent.setdefault(respondent_key(person_id), at.isoformat())
        return SurveyTally({**self.invited, wave.value: sent}, self.entries)

    def sent_at(self, wave: Wave, person_id: str) -> datetime | None:
        at = self.invited.get(wave.value, {}).get(respondent_key(person_id))
        return datetime.fromisoformat(at) if at else None

    def answered(self, wave: Wave, person_id: str) -> bool:
        return f"{wave.value}.{respondent_key(person_id)}" in self.entries

    def with_response(self, response: SurveyResponse) -> "SurveyTally":
        scores: dict[str, list[int]] = {}
        for a in response.answers:
            if a.score is not None:
                scores.setdefault(report_question_id(a.question_id), []).append(a.score)
        entry = {"scores": {q: round(mean(s), 2) for q, s in scores.items()},  # a person's goals: their mean
                 "shared": {a.question_id: a.text for a in response.answers if a.text and a.share_text}}
        return SurveyTally(self.invited, {**self.entries, f"{response.wave.value}.{respondent_key(response.person_id)}": entry})

    def without(self, person_id: str) -> "SurveyTally":
        """Their answers gone (erasure); their invitations stay."""
        key = respondent_key(person_id)
        return SurveyTally(self.invited, {k: v for k, v in self.entries.items() if k.partition(".")[2] != key})

    def answers(self) -> list[Answer]:
        out = []
        for key, entry in sorted(self.entries.items()):
            wave_name, _, who = key.partition(".")
            wave = Wave(wave_name)
            out += [Answer(who, "", wave, q, score=s) for q, s in entry.get("scores", {}).items()]
            out += [Answer(who, "", wave, q, text=t, share_text=True) for q, t in entry.get("shared", {}).items()]
        return out

    def results(self, questions: Iterable[Question]) -> "SurveyResults | None":
        invited = {w: len(self.invited.get(w.value, {})) for w in Wave}
        return aggregate(questions, self.answers(), invited)
