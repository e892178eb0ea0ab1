"""The card a question sends when the answer is words, a number, a date or a time.

The usual answers are buttons ("Keep this wording", "60 minutes", a suggested time); anything else goes
in a labelled box or date and time picker with its own button, so a question can be answered by pressing
alone, on a phone too. Typing the answer in the chat always works as well. Every button is an
Action.Execute with the prompt's token, like a choice card, so a press on an old card is out of date.

A canned button sends `answer` and leaves the box and pickers out (`associatedInputs: none`), so an empty
required picker never blocks it. The field's button sends what the person entered under FIELD ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Sequence

from bot.domain.limits import MAX_CHOICE_TITLE
from bot.domain.text import clean, without_hidden
from cards import verbs
from cards.adaptive import card, done, execute, text
from cards.choices import BUTTON_CHARS, MAX_ACTIONS

ANSWER = "answer"  # a canned button's answer, as if typed
TEXT, DAY, TIME = "text", "day", "time"  # the field's input ids

FieldKind = Literal["words", "lines", "date", "date and time"]


@dataclass(frozen=True)
class Field:
    """One place to enter an answer of one's own, and the button that sends it."""

    kind: FieldKind
    label: str  # what the box or picker is for: read out by a screen reader, shown above it
    submit: str  # the button, saying what it does: "Use my wording", "Propose this time"
    value: str = ""  # filled in to start with (the current wording, so it can be edited)
    placeholder: str = ""
    max_length: int | None = None
    earliest: date | None = None
    latest: date | None = None
    time_label: str = "Time (UK)"


@dataclass(frozen=True)
class Button:
    title: str
    answer: str  # what pressing it says, as if typed: "default", "60", "14/01/2027 10:00"


def answer_card(question: str, token: str, *, hint: str, buttons: Sequence[Button] = (),
                field: Field | None = None) -> dict[str, Any]:
    def press(button: Button) -> dict[str, Any]:
        action = execute(clean(button.title, MAX_CHOICE_TITLE), verbs.CHOICE, {"token": token, ANSWER: button.answer})
        if field is not None:
            action["associatedInputs"] = "none"
        return action

    body: list[dict[str, Any]] = [text(question), text(hint, subtle=True)]
    actions: list[dict[str, Any]] = []
    pressable = [press(b) for b in buttons]
    fits = len(pressable) + (1 if field else 0) <= MAX_ACTIONS and sum(len(b.title) for b in buttons) <= BUTTON_CHARS
    if fits and field is None:
        actions = pressable
    else:  # one button a row, whole titles: long ones (a suggested time) are never shortened
        body.extend({"type": "ActionSet", "actions": [action]} for action in pressable)
    if field is not None:
        body.extend(_inputs(field))
        actions.append(execute(field.submit, verbs.CHOICE, {"token": token}, style="positive"))
    result = card(body, actions)
    result["speak"] = question
    return result


def _inputs(field: Field) -> list[dict[str, Any]]:
    if field.kind in ("words", "lines"):
        box: dict[str, Any] = {"type": "Input.Text", "id": TEXT, "label": field.label, "isRequired": True,
                               "errorMessage": "Write something here first.", "isMultiline": field.kind == "lines"}
        if field.value:
            box["value"] = without_hidden(field.value)[: field.max_length]
        if field.placeholder:
            box["placeholder"] = field.placeholder
        if field.max_length:
            box["maxLength"] = field.max_length
        return [box]
    picker: dict[str, Any] = {"type": "Input.Date", "id": DAY, "label": field.label, "isRequired": True,
                              "errorMessage": "Pick a day first."}
    if field.value:
        picker["value"] = field.value
    if field.earliest:
        picker["min"] = field.earliest.isoformat()
    if field.latest:
        picker["max"] = field.latest.isoformat()
    if field.kind == "date":
        return [picker]
    clock = {"type": "Input.Time", "id": TIME, "label": field.time_label, "isRequired": True,
             "errorMessage": "Pick a time first.", "value": "10:00"}
    return [picker, clock]


def answered_card(question: str, answer: str) -> dict[str, Any]:
    """What an answer card becomes once answered from it: the question and the answer, no buttons."""
    return card([text(question), done(f"Your answer: {answer}")])
