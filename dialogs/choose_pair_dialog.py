"""Asking which pairing a command is about, for people in more than one."""

from __future__ import annotations

from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext

from dialogs.base import CancelAndHelpDialog
from dialogs.choices import CardChoicePrompt, choice_prompt


class ChoosePairDialog(CancelAndHelpDialog):
    """Options: {"labels": {label: pairId}, "names": {label: [partner name, ...]}, "then": command, "question"?}.
    Ends with {"pairId", "then"}."""

    step_help = "Pick the pairing you mean, or say **cancel**."

    def __init__(self):
        super().__init__()
        self.add_dialog(CardChoicePrompt("pair"))
        self.add_dialog(WaterfallDialog("choose", [self.ask_step, self.done_step]))
        self.initial_dialog_id = "choose"

    async def ask_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.prompt("pair", choice_prompt(
            step.options.get("question") or "Which pairing do you mean?", list(step.options["labels"]), also=step.options.get("names") or {},
            list_label="Your pairings", pick_title="Use this pairing"))

    async def done_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        return await step.end_dialog({"pairId": step.options["labels"][step.result.value], "then": step.options["then"]})
