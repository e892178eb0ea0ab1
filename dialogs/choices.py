"""Choice prompts that work in every Teams client: an Adaptive Card to press, or a typed answer.

A typed answer picks an option by its number, its whole label, one of its other names (a partner's
name or first name, "yes"), or a clear prefix of any of them ("fort", "meg"), ignoring case and
accents. A card press arrives as an adaptiveCard/action invoke carrying the prompt's token; the
prompt takes it only if the token is its own, so an old card cannot answer a newer question.
"""

from __future__ import annotations

import secrets
import unicodedata
from typing import Mapping, Sequence

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogTurnResult
from botbuilder.dialogs.choices import Choice, FoundChoice
from botbuilder.dialogs.prompts import Prompt, PromptOptions, PromptRecognizerResult
from botbuilder.schema import ActivityTypes

from cards import verbs
from cards.choices import CHOICE_INPUT, answered_card, choice_card
from dialogs.turn import card_activity

PRESSED_KEY = "tandem.choicePressed"  # turn state: the card to show in place of the one a waiting prompt took a press from
FILLER = {"the", "a", "an", "please", "option", "number", "choice", "pick", "choose", "i", "want", "one"}


def fold(text: str | None) -> str:
    """Lower case, no accents, punctuation as spaces: 'Zoë-Smith!' -> 'zoe smith'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in plain).split())


def match_choice(answer: str | None, names: Sequence[Sequence[str]]) -> int | None:
    """The index of the one option `answer` picks, or None when it picks none or is ambiguous.
    `names[i]` are option i's label and other names."""
    words = [w for w in fold(answer).split() if w not in FILLER] or fold(answer).split()
    if not words:
        return None
    if words[0].isdigit():
        number = int(words[0])
        return number - 1 if 1 <= number <= len(names) and len(words) == 1 else None
    said = " ".join(words)
    folded = [[fold(name) for name in option] for option in names]
    exact = [i for i, option in enumerate(folded) if said in option]
    if exact:
        return exact[0] if len(exact) == 1 else None

    def prefixes(name: str) -> bool:
        name_words = name.split()
        return name.startswith(said) or all(any(n.startswith(w) for n in name_words) for w in words)

    partial = [i for i, option in enumerate(folded) if any(prefixes(name) for name in option)]
    return partial[0] if len(partial) == 1 else None


def short_retry(labels: Sequence[str], spoken: Sequence[str]) -> str:
    """'Say 1 for Megan Bowen or 2 for Adele Vance.'"""
    if len(labels) <= 4:
        parts = [f"{i + 1} for {name}" for i, name in enumerate(spoken)]
        return "Say " + (", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]) + "."
    return f"Say a number from 1 to {len(labels)}, or a name such as {spoken[0]}."


def choice_prompt(question: str, labels: Sequence[str], *, also: Mapping[str, Sequence[str]] | None = None,
                  finish: Sequence[str] = (), list_label: str = "Choose one", pick_title: str = "Choose",
                  retry: str | None = None) -> PromptOptions:
    """PromptOptions for a CardChoicePrompt. `also[label]` are other names that pick that option (the
    first is how the retry names it); `finish` are the options that end the task, shown first."""
    also = also or {}
    token = secrets.token_urlsafe(6)
    hint = "Press a button, or type its number or name." if not finish else "Press a button, or type a number or name."
    card = choice_card(question, labels, token, hint=hint, finish=finish, list_label=list_label, pick_title=pick_title)
    prompt = card_activity(card)
    spoken = [(also.get(label) or [label])[0] for label in labels]
    return PromptOptions(
        prompt=prompt,
        retry_prompt=MessageFactory.text(retry or short_retry(labels, spoken)),
        choices=[Choice(label, synonyms=list(also.get(label, ()))) for label in labels],
        validations={"token": token, "question": question},
    )


def pressed(context: TurnContext) -> dict | None:
    """The card to show in place of the pressed one, if the waiting prompt took this turn's press: the
    question and its answer, or the same card again when the answer needs fixing (the chat says why)."""
    return context.turn_state.get(PRESSED_KEY)


def press_data(context: TurnContext, token: str | None) -> dict | None:
    """The data of a press on the card whose token is `token`. Action.Execute sends {action: {verb,
    data}}; a client that falls back to Action.Submit sends the data as the message's value."""
    value = context.activity.value
    if not isinstance(value, dict) or not token:
        return None
    action = value.get("action") if isinstance(value.get("action"), dict) else None
    if action is not None and action.get("verb") != verbs.CHOICE:
        return None
    data = (action.get("data") if action is not None else value) or {}
    if not isinstance(data, dict) or data.get("token") != token:
        return None
    return data


class CardChoicePrompt(Prompt):
    """Ends with a FoundChoice (its `.value` is the label), like the SDK's ChoicePrompt."""

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        activity = dialog_context.context.activity
        if activity.type != ActivityTypes.invoke:
            return await super().continue_dialog(dialog_context)
        state = dialog_context.active_dialog.state
        options = state[self.persisted_options]
        recognized = await self.on_recognize(dialog_context.context, state[self.persisted_state], options)
        if not recognized.succeeded:
            return Dialog.end_of_turn  # an old card, or another question: the edge says it is out of date
        dialog_context.context.turn_state[PRESSED_KEY] = answered_card(options.validations["question"], recognized.value.value)
        return await dialog_context.end_dialog(recognized.value)

    async def on_prompt(self, turn_context: TurnContext, state: dict, options: PromptOptions, is_retry: bool):
        if is_retry and options.retry_prompt:
            await turn_context.send_activity(self._while_waiting(turn_context) + options.retry_prompt.text)
        else:
            await turn_context.send_activity(options.prompt)

    @staticmethod
    def _while_waiting(turn_context: TurnContext) -> str:
        """A command typed while a question waits ("sessions" at the contract menu) is not lost on the
        person: they are told how to get to it."""
        from dialogs.commands import Command, parse_command  # dialogs.commands imports this package's base

        command = parse_command(turn_context.activity.text).command
        if command in (Command.UNKNOWN, Command.CANCEL, Command.HELP):
            return ""
        return f"First, answer this question, or say **cancel** to stop it and then **{command.value}**. "

    async def on_recognize(self, turn_context: TurnContext, state: dict, options: PromptOptions) -> PromptRecognizerResult:
        choices: list[Choice] = options.choices or []
        index = self._pressed_index(turn_context, options, len(choices))
        if index is None and turn_context.activity.type == ActivityTypes.message:
            index = match_choice(turn_context.activity.text, [[c.value, *(c.synonyms or [])] for c in choices])
        if index is None:
            return PromptRecognizerResult(succeeded=False)
        return PromptRecognizerResult(succeeded=True, value=FoundChoice(choices[index].value, index, 1.0))

    @staticmethod
    def _pressed_index(turn_context: TurnContext, options: PromptOptions, count: int) -> int | None:
        """The option a button press chose, by its number."""
        data = press_data(turn_context, (options.validations or {}).get("token"))
        chosen = str((data or {}).get(CHOICE_INPUT, ""))
        if not chosen.isdigit() or not 1 <= int(chosen) <= count:
            return None
        return int(chosen) - 1
