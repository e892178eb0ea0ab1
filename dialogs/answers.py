"""Questions answered in words, a number, a date or a time: by a press on the question's card or by typing.

An AnswerPrompt is a TextPrompt whose question is an answer card (cards/answers.py). A press on that card
becomes the text it stands for ("default", "60", "14/01/2027 10:00") and goes through the same validator
as a typed answer, so both are checked by one rule. When the validator refuses it, the chat says why and
the card stays as it was, to fix and press again; when it accepts, the card shows the answer.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any, Sequence

from botbuilder.dialogs import Dialog, DialogContext, DialogTurnResult
from botbuilder.dialogs.prompts import PromptOptions, PromptRecognizerResult, PromptValidatorContext, TextPrompt
from botbuilder.schema import ActivityTypes

from bot.domain.uktime import format_day
from cards.answers import ANSWER, DAY, TEXT, TIME, Button, Field, answer_card, answered_card
from dialogs.choices import PRESSED_KEY, press_data
from dialogs.turn import card_activity


def answer_prompt(question: str, *, hint: str, buttons: Sequence[Button] = (), field: Field | None = None,
                  **validations: Any) -> PromptOptions:
    """PromptOptions for an AnswerPrompt. `validations` reach the prompt's validator as they are."""
    token = secrets.token_urlsafe(6)
    card = answer_card(question, token, hint=hint, buttons=buttons, field=field)
    return PromptOptions(prompt=card_activity(card), validations={
        **validations, "token": token, "question": question, "card": card,
        "titles": {b.answer: b.title for b in buttons},
    })


def said_by_press(data: dict[str, Any]) -> tuple[str, str] | None:
    """(what the press says, as if typed; how the answer is shown back), or None if it carries none.
    A picked day (YYYY-MM-DD) and time become "DD/MM/YYYY HH:MM", the UK form every parser here reads."""
    for key in (ANSWER, TEXT):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value, value.strip()
    day = data.get(DAY)
    if not isinstance(day, str) or not day.strip():
        return None
    at = data.get(TIME)
    at_text = at.strip()[:5] if isinstance(at, str) and at.strip() else ""
    try:
        picked = date.fromisoformat(day.strip()[:10])
    except ValueError:
        return f"{day} {at_text}".strip(), day  # the parser says kindly what it could not read
    said = f"{picked:%d/%m/%Y} {at_text}".strip()
    return said, f"{format_day(picked)}, {at_text}" if at_text else format_day(picked)


class AnswerPrompt(TextPrompt):
    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        context = dialog_context.context
        if context.activity.type != ActivityTypes.invoke:
            return await super().continue_dialog(dialog_context)
        state = dialog_context.active_dialog.state
        options: PromptOptions = state[self.persisted_options]
        validations = options.validations or {}
        data = press_data(context, validations.get("token"))
        said = said_by_press(data) if data is not None else None
        if said is None:
            return Dialog.end_of_turn  # an old card, or another question: the edge says it is out of date
        answer, shown = said
        recognized = PromptRecognizerResult(succeeded=True, value=answer)
        if self._validator is not None:
            valid = await self._validator(PromptValidatorContext(context, recognized, state[self.persisted_state], options))
        else:
            valid = True
        if not valid:
            context.turn_state[PRESSED_KEY] = validations["card"]  # as it was: fix it and press again
            return Dialog.end_of_turn
        context.turn_state[PRESSED_KEY] = answered_card(validations["question"], validations["titles"].get(answer, shown))
        return await dialog_context.end_dialog(recognized.value)
