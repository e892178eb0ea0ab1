"""Survey results as managers see them: aggregated, baseline against end, small groups and unshared text withheld."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.report import SUPPRESSED, build_report
from bot.domain.surveys import DEFAULT_QUESTIONS, Wave, aggregate, answer

Q = {q.id: q for q in DEFAULT_QUESTIONS}


def answers(wave: Wave, people: int, confidence: list[int], recommend: list[str] = (), comments: list[tuple[str, bool]] = ()):
    out = []
    for n in range(people):
        pid = f"person{n}"
        out.append(answer(Q["confidence"], pid, f"pair{n // 2}", wave, str(confidence[n])))
        if n < len(recommend):
            out.append(answer(Q["recommend"], pid, f"pair{n // 2}", wave, recommend[n]))
        if n < len(comments):
            out.append(answer(Q["comments"], pid, f"pair{n // 2}", wave, comments[n][0], share_text=comments[n][1]))
    return out


def test_baseline_and_end_means_per_question_with_response_rates():
    given = answers(Wave.BASELINE, 6, [2, 2, 3, 3, 2, 2]) + answers(Wave.END, 5, [4, 4, 3, 5, 4], ["yes", "yes", "no", "yes"])
    results = aggregate(DEFAULT_QUESTIONS, given, {Wave.BASELINE: 6, Wave.END: 6})
    confidence = next(r for r in results.questions if r.question.id == "confidence")
    assert confidence.baseline.shown == "2.3 of 5" and confidence.end.shown == "4 of 5"
    recommend = next(r for r in results.questions if r.question.id == "recommend")
    assert recommend.end.shown == "75%" and recommend.baseline.shown == "no data yet"
    rates = {f.key: f.shown for f in results.response_rates}
    assert rates["response_rate.baseline"] == "100%" and rates["response_rate.end"] == "83.3%"


def test_fewer_than_three_answers_are_not_shown():
    results = aggregate(DEFAULT_QUESTIONS, answers(Wave.END, 2, [5, 1]), {Wave.END: 6})
    confidence = next(r for r in results.questions if r.question.id == "confidence")
    assert confidence.end.shown == SUPPRESSED
    assert {f.key: f.shown for f in results.response_rates}["responded.end"] == SUPPRESSED


def test_free_text_appears_only_when_shared_and_enough_people_answered():
    shared = [("More time please", True), ("Private thought", False), ("Great scheme", True)]
    results = aggregate(DEFAULT_QUESTIONS, answers(Wave.END, 3, [4, 4, 4], comments=shared), {Wave.END: 3})
    comments = next(r for r in results.questions if r.question.id == "comments")
    assert comments.shared_text == ("Great scheme", "More time please")
    few = aggregate(DEFAULT_QUESTIONS, answers(Wave.END, 3, [4, 4, 4], comments=shared[:2]), {Wave.END: 3})
    assert next(r for r in few.questions if r.question.id == "comments").shared_text == ()


def test_no_answers_means_no_survey_section():
    assert aggregate(DEFAULT_QUESTIONS, [], {Wave.BASELINE: 6}) is None
    assert build_report("prog", "Pilot", [], __import__("datetime").date(2027, 1, 1)).survey is None


def test_an_answer_out_of_range_is_refused_kindly():
    with pytest.raises(InvalidInput):
        answer(Q["confidence"], "p", "pair", Wave.END, "7")
    with pytest.raises(InvalidInput):
        answer(Q["recommend"], "p", "pair", Wave.END, "maybe")
