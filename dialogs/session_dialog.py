"""Proposing a session time: a new session, another time instead of a partner's, or a move."""

from __future__ import annotations

from datetime import date, datetime, time

from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptValidatorContext

from bot.domain.errors import DomainError
from bot.domain.natural_time import PartlyUnderstood, Understood, read_meeting_time
from bot.domain.slots import Suggestions
from bot.domain.uktime import AmbiguousTime, format_uk, to_uk, uk_today, which_reading
from bot.services.registry import Services
from bot.storage.kinds import UNDERSTOOD
from cards.answers import Button, Field
from dialogs.answers import AnswerPrompt, answer_prompt
from dialogs.base import CancelAndHelpDialog, refuse
from dialogs.turn import actor_of

EXAMPLE = "such as \"next Tuesday at 10\" or \"14 January at 2:30pm\" (UK time)"
HINT = "Press a time that suits you both, or pick a day and time below. You can also type one, " + EXAMPLE + "."
PICK_HINT = "Pick a day and time below, or type one, " + EXAMPLE + "."


def when_prompt(question: str, found: Suggestions, today: date, **validations):
    """The question with the suggested times as buttons, a day and time picker, and typing."""
    buttons = [Button(format_uk(slot.starts_at), f"{to_uk(slot.starts_at):%d/%m/%Y %H:%M}") for slot in found.slots]
    hint = HINT if buttons else PICK_HINT
    unsure = sorted({name for slot in found.slots for name in slot.to_confirm})
    if unsure:
        hint += f" I can't see {' or '.join(unsure)}'s shifts, so check with them first."
    return answer_prompt(question, hint=hint, buttons=buttons,
                         field=Field("date and time", "Day", "Propose this time", earliest=today), **validations)


class SessionDialog(CancelAndHelpDialog):
    step_help = f"Press a time, pick a day and time, or type one, {EXAMPLE}. Or say **cancel**."

    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.add_dialog(AnswerPrompt("when", self.validate_when))
        self.add_dialog(WaterfallDialog("session", [self.when_step, self.propose_step]))
        self.initial_dialog_id = "session"

    async def when_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.options.get("answering"):
            question = "What time would suit you instead?"
        elif step.options.get("moving"):
            question = "When would you like to move the session to?"
        else:
            question = "When would you like to meet?"
        actor, now = actor_of(step.context), self.services.ctx.clock.now()
        try:
            found = await self.services.suggestions.suggest(actor, step.options["pairId"])
        except DomainError:  # no suggestions (e.g. no contract yet): the picker and typing still work
            found = Suggestions(())
        return await step.prompt("when", when_prompt(
            question, found, uk_today(now), **{key: step.options.get(key) for key in ("pairId", "answering", "moving")}))

    async def validate_when(self, prompt: PromptValidatorContext) -> bool:
        """Past dates, dates after the contract ends, clashes and unreadable text each get a clear re-prompt.
        Half an answer ("Tuesday") is kept, and the next answer ("10am") completes it. A time in the hour the
        clocks go back is asked about: "BST", "GMT", "the second" then answers it. The prompt's result
        becomes the instant, as ISO text."""
        options = prompt.options.validations or {}
        so_far = UNDERSTOOD.load(prompt.state["understood"]) if prompt.state.get("understood") else Understood()
        said = prompt.recognized.value
        asked = options.get("ambiguous")
        if asked:
            said = which_reading(date.fromisoformat(asked["day"]), time.fromisoformat(asked["at"]), said) or said
        try:
            starts_at = read_meeting_time(said, self.services.ctx.clock.now(), so_far)
            await self.services.sessions.check_time(
                actor_of(prompt.context), options["pairId"], starts_at, options.get("answering"), options.get("moving"))
        except AmbiguousTime as question:
            options["ambiguous"] = {"day": question.day.isoformat(), "at": question.at.isoformat("minutes")}
            await prompt.context.send_activity(question.message)
            return False
        except PartlyUnderstood as partly:
            prompt.state["understood"] = UNDERSTOOD.plain(partly.understood)
            await prompt.context.send_activity(partly.message)
            return False
        except DomainError as problem:
            await prompt.context.send_activity(problem.message)
            return False
        prompt.recognized.value = starts_at.isoformat()
        return True

    async def propose_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        try:
            session = await self.services.sessions.propose(
                actor_of(step.context), step.options["pairId"], datetime.fromisoformat(step.result),
                answering=step.options.get("answering"), moving=step.options.get("moving"))
        except DomainError as refusal:  # e.g. the partner booked that slot in the meantime
            return await refuse(step, refusal)
        await step.context.send_activity(
            f"Proposed {format_uk(session.starts_at)}. I've asked your partner to accept; I'll tell you when they answer.")
        return await step.end_dialog()
