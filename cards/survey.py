"""Survey and debrief cards: the survey (one expanded choice list per question, a box for words, a consent
toggle, one send button), what a participant sees once they have sent it, the closing summary a pair
member writes, and the managers' debrief card with their decision."""

from __future__ import annotations

from typing import Any, Iterable

from bot.domain.report import count_figure
from bot.domain.debrief import Decision, NextStep, ProgrammeDecision
from bot.domain.surveys import MAX_ANSWER_TEXT, SHARE_ID, Question, QuestionKind, Wave
from bot.domain.text import clean, plain
from bot.domain.uktime import format_day
from cards import verbs
from cards.adaptive import card, done, execute, facts, heading, text

SCALE = (("1", "1: not at all"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5: very"))
YES_NO = (("yes", "Yes"), ("no", "No"))
WAVE_TITLES = {Wave.BASELINE: "Starting survey", Wave.MIDPOINT: "Half-way survey", Wave.END: "End of programme survey"}
ACHIEVED, NEXT_STEP, DECISION, REASONS = "achieved", "nextStep", "decision", "reasons"


def _label(question: Question) -> str:
    return plain(clean(question.text, 300))


def _input(question: Question, previous: dict[str, Any]) -> dict[str, Any]:
    if question.kind is QuestionKind.TEXT:
        # Never filled in again: words stay out of later cards (and the card stays small); sending replaces them.
        return {"type": "Input.Text", "id": question.id, "label": _label(question), "isMultiline": True,
                "maxLength": MAX_ANSWER_TEXT, "placeholder": "Optional"}
    options = SCALE if question.kind is QuestionKind.SCALE else YES_NO
    chooser: dict[str, Any] = {"type": "Input.ChoiceSet", "id": question.id, "label": _label(question), "style": "expanded",
                               "choices": [{"title": title, "value": value} for value, title in options]}
    if previous.get(question.id) is not None:
        chooser["value"] = str(previous[question.id])
    return chooser


def survey_card(pair_id: str, wave: Wave, questions: Iterable[Question], closes_on=None,
                previous: dict[str, Any] | None = None, note: str = "") -> dict[str, Any]:
    """`previous`: this person's earlier answers (question id -> value), shown so sending again replaces them."""
    previous = previous or {}
    body: list[dict[str, Any]] = [
        heading(WAVE_TITLES[wave]),
        text("A few questions about your mentoring. Your answers go to the programme only as totals; "
             "your partner never sees them."),
    ]
    if closes_on is not None:
        body.append(text(f"Open until {format_day(closes_on)}.", subtle=True))
    body += [_input(q, previous) for q in questions]
    body.append({"type": "Input.Toggle", "id": SHARE_ID, "title": "Share what I wrote with the programme (without my name)",
                 "label": "Sharing", "valueOn": "true", "valueOff": "false", "value": "true" if previous.get(SHARE_ID) else "false"})
    if note:
        body.append(done(note))
    return card(body, [execute("Send my answers", verbs.SURVEY_ANSWER, {"pairId": pair_id, "wave": wave.value}, style="positive")])


def survey_sent_card(wave: Wave, replaced: bool) -> dict[str, Any]:
    note = "Thank you: your new answers replace the ones you sent before." if replaced else "Thank you: your answers are in."
    return card([heading(WAVE_TITLES[wave]), done(note),
                 text("Only totals go to the programme, and your partner never sees your answers.", subtle=True)])


def pair_debrief_card(pair_id: str, partner_name: str, note: str = "") -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        heading("Closing your pairing"),
        text(f"The programme has ended. A short summary for you and {clean(partner_name, 100) or 'your partner'}: "
             "it stays with your pairing, and the programme only sees how many chose each next step."),
        {"type": "Input.Text", "id": ACHIEVED, "label": "What we achieved", "isMultiline": True, "maxLength": 1000},
        {"type": "Input.ChoiceSet", "id": NEXT_STEP, "label": "What next", "style": "expanded", "isRequired": True,
         "errorMessage": "Choose what happens next.",
         "choices": [{"title": n.value.capitalize(), "value": n.value} for n in NextStep]},
    ]
    if note:
        body.append(done(note))
    return card(body, [execute("Close our pairing", verbs.DEBRIEF_CLOSE, {"pairId": pair_id}, style="positive")])


def pair_debrief_done_card(step: NextStep) -> dict[str, Any]:
    return card([heading("Closing your pairing"), done(f"Thank you. What next: {step.value}."),
                 text("Your summary stays with your pairing.", subtle=True)])


def decision_facts(decision: ProgrammeDecision) -> dict[str, Any]:
    rows = [("Decision", decision.decision.value.capitalize()), ("Decided on", format_day(decision.at.date()))]
    if decision.reasons:
        rows.append(("Reasons", decision.reasons))
    rows += [(f"Chose \u201c{k}\u201d", count_figure(k, k, v).shown) for k, v in decision.next_steps.items()]
    return facts(rows)


def debrief_card(programme_id: str, programme_name: str, figures: Iterable[tuple[str, str]],
                 next_steps: Iterable[tuple[str, str]], decision: ProgrammeDecision | None = None) -> dict[str, Any]:
    """The managers' card at the programme's end: the report's figures, the pairs' next steps as counts, and
    the decision to record (or the one recorded)."""
    body: list[dict[str, Any]] = [
        heading(f"{clean(programme_name, 200)}: debrief"),
        text("The programme has reached its end date. Here is how it went, and your decision on what happens next."),
        facts(figures),
        heading("What pairs chose to do next"),
        facts(next_steps),
    ]
    if decision is not None:
        body += [heading("Your decision"), decision_facts(decision)]
        return card(body)
    body += [
        {"type": "Input.ChoiceSet", "id": DECISION, "label": "Decision", "style": "expanded", "isRequired": True,
         "errorMessage": "Choose scale up, repeat or stop.",
         "choices": [{"title": d.value.capitalize(), "value": d.value} for d in Decision]},
        {"type": "Input.Text", "id": REASONS, "label": "Reasons", "isMultiline": True, "maxLength": 1000},
    ]
    return card(body, [execute("Record our decision", verbs.DEBRIEF_DECIDE, {"programmeId": programme_id}, style="positive")])


