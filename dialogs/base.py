"""The base every Tandem dialog shares: 'cancel' and 'help' work at any prompt."""

from __future__ import annotations

from typing import Callable

from botbuilder.core import MessageFactory
from botbuilder.dialogs import ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, PromptValidatorContext
from botbuilder.schema import ActivityTypes

from bot.domain.errors import DomainError
from dialogs.choices import choice_prompt  # noqa: F401  (re-exported: every dialog's choice prompt)

CANCEL_WORDS = {"cancel", "stop", "quit", "exit", "never mind", "nevermind"}
HELP_WORDS = {"help", "?", "what can i do"}


def normalise(text: str | None) -> str:
    return " ".join((text or "").strip().lower().rstrip(".!").split())


class CancelAndHelpDialog(ComponentDialog):
    """Interrupts any prompt of its subclasses: 'cancel' leaves the dialog, 'help' explains the step."""

    step_help = "Answer the question above, or say **cancel** to stop."

    def __init__(self, dialog_id: str | None = None):
        super().__init__(dialog_id or type(self).__name__)

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        activity = inner_dc.context.activity
        if activity.type == ActivityTypes.message and not await self._inner_step_answers(inner_dc):
            word = normalise(activity.text)
            if word in CANCEL_WORDS:
                await inner_dc.context.send_activity("Cancelled. Nothing was changed. Say **help** to see what you can do.")
                return await inner_dc.cancel_all_dialogs()
            if word in HELP_WORDS:
                await inner_dc.context.send_activity(self.step_help)
                await inner_dc.reprompt_dialog()
                return DialogTurnResult(DialogTurnStatus.Waiting)
        return await super().on_continue_dialog(inner_dc)

    @staticmethod
    async def _inner_step_answers(inner_dc: DialogContext) -> bool:
        """True when the step waiting is inside another such dialog (the draft hands over to the review):
        the innermost one answers 'help' with its own words, and 'cancel'."""
        active = inner_dc.active_dialog
        return active is not None and isinstance(await inner_dc.find_dialog(active.id), CancelAndHelpDialog)


def text_prompt(text: str, retry: str | None = None) -> PromptOptions:
    return PromptOptions(prompt=MessageFactory.text(text), retry_prompt=MessageFactory.text(retry or text))


def checked_by(parse: Callable[[str], object]):
    """A prompt validator: the answer is accepted if `parse` accepts it, otherwise the person is told
    the rule's own kind message and asked again."""

    async def validate(prompt: PromptValidatorContext) -> bool:
        try:
            parse(prompt.recognized.value)
            return True
        except DomainError as problem:
            await prompt.context.send_activity(problem.message)
            return False

    return validate


async def refuse(step: WaterfallStepContext, refusal: DomainError) -> DialogTurnResult:
    """A rule said no: tell the person why and leave this dialog."""
    await step.context.send_activity(refusal.message)
    return await step.end_dialog()
