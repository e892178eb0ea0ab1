"""'my shifts': what Tandem knows about a person's shifts, and setting it by typing or by pressing."""

from __future__ import annotations

from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptValidatorContext

from bot.domain.errors import DomainError
from bot.domain.shifts import read_pattern
from bot.domain.uktime import uk_today
from bot.services.registry import Services
from cards.answers import Button, Field
from dialogs.answers import AnswerPrompt, answer_prompt
from dialogs.base import CancelAndHelpDialog
from dialogs.turn import actor_of

EXPLAIN = ("If your shifts are not in Outlook, tell me your rota. Then the times I suggest, and my reminders, "
           "keep clear of your shifts. Give one letter a day, starting today: E early (07-15), L late (15-23), "
           "N night (23-07), D long day (07-19) and - for a day off. The rota then repeats.")
EXAMPLE = "For example **my shifts EELLNN----**, **my shifts ask** or **my shifts none**."
QUESTION = "What is your shift pattern?"
HINT = "Type your rota in the box, starting today, or press a button. You can also type it in the chat."
ASK_ANSWER, NONE_ANSWER = "ask", "none"


def saved(description: str) -> str:
    return f"Saved. Your shift pattern: {description}. Say **my shifts** to see or change it."


class ShiftPatternDialog(CancelAndHelpDialog):
    step_help = f"Type your rota, one letter a day from today. {EXAMPLE} Or say **cancel**."

    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.add_dialog(AnswerPrompt("shifts", self.validate_pattern))
        self.add_dialog(WaterfallDialog("shifts.main", [self.ask_step, self.save_step]))
        self.initial_dialog_id = "shifts.main"

    async def ask_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        current = await self.services.suggestions.shift_pattern(actor_of(step.context))
        await step.context.send_activity(f"Your shift pattern: {current}.\n\n{EXPLAIN} {EXAMPLE}")
        return await step.prompt("shifts", answer_prompt(
            QUESTION, hint=HINT,
            buttons=(Button("Tell me each time", ASK_ANSWER), Button("No shift pattern", NONE_ANSWER)),
            field=Field("words", "Your rota, one letter a day from today", "Save my rota",
                        placeholder="EELLNN----", max_length=56)))

    async def validate_pattern(self, prompt: PromptValidatorContext) -> bool:
        try:
            read_pattern(prompt.recognized.value, uk_today(self.services.ctx.clock.now()))
        except DomainError as problem:
            await prompt.context.send_activity(problem.message)
            return False
        return True

    async def save_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        description = await self.services.suggestions.set_shift_pattern(actor_of(step.context), step.result)
        await step.context.send_activity(saved(description))
        return await step.end_dialog()
