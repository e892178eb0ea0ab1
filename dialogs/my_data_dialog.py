"""'delete my data': a card and a typed yes/no confirm it, then the erasure runs."""

from __future__ import annotations

from botbuilder.dialogs import DialogTurnResult, TextPrompt, WaterfallDialog, WaterfallStepContext

from bot.services.registry import Services
from cards.my_data import erase_confirm_card
from dialogs.base import CancelAndHelpDialog, normalise, text_prompt
from dialogs.turn import actor_of, send_card

YES = {"yes", "y", "delete", "delete my data", "yes delete", "yes, delete my data", "confirm"}
NO = {"no", "n", "keep", "keep it", "no keep it"}
ASK = "Type **yes** to delete your data, or **no** to keep it."
KEPT = "I've kept everything as it was."
ERASED = ("Done: your reflections and details are erased and your pairings have ended. Your programme manager "
          "has been told that an erasure happened, not what was in it. If you message me again I'll treat you as new.")


class EraseMyDataDialog(CancelAndHelpDialog):
    """Options: {"confirmed"?: bool} when a card button already answered."""

    step_help = f"{ASK} Say **cancel** to leave it."

    def __init__(self, services: Services):
        super().__init__(EraseMyDataDialog.__name__)
        self.services = services
        self.add_dialog(TextPrompt("erase.answer", self._yes_or_no))
        self.add_dialog(WaterfallDialog("erase", [self.ask_step, self.answer_step]))
        self.initial_dialog_id = "erase"

    @staticmethod
    async def _yes_or_no(prompt) -> bool:
        return normalise(prompt.recognized.value) in YES | NO

    async def ask_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if isinstance(step.options, dict) and isinstance(step.options.get("confirmed"), bool):
            return await step.next(step.options["confirmed"])
        await send_card(step.context, erase_confirm_card())
        return await step.prompt("erase.answer", text_prompt(ASK, f"Please answer yes or no. {ASK}"))

    async def answer_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        confirmed = step.result if isinstance(step.result, bool) else normalise(step.result) in YES
        if not confirmed:
            await step.context.send_activity(KEPT)
            return await step.end_dialog()
        await self.services.my_data.erase(actor_of(step.context), confirmed=True)
        await step.context.send_activity(ERASED)
        return await step.end_dialog()
