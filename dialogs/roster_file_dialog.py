"""A manager sent a roster file (CSV) in their personal chat: check it, ask which programme if they manage
several, and import it all or nothing through EnrolmentService.import_roster.

The file is read as soon as it arrives, so a bad file is answered before any question. Its bytes never go
into dialog state: after the choice it is downloaded again from the link Teams gave."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Sequence

from botbuilder.core import TurnContext
from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.programmes import Programme
from bot.domain.roster import Problem, RosterRejected, check_roster
from bot.domain.text import clean, plain
from dialogs.base import CancelAndHelpDialog
from dialogs.choices import CardChoicePrompt, choice_prompt
from dialogs.turn import actor_of

Download = Callable[[dict[str, Any]], Awaitable[bytes]]
SHOWN_PROBLEMS = 15  # the rest are counted: the message stays short enough to read, and within Teams' size
NOT_A_MANAGER = ("Only a programme's managers can import a roster. If you manage one, ask a Tandem administrator "
                 "to appoint you.")


async def no_downloads(file: dict[str, Any]) -> bytes:
    """Where no downloader is wired in (the composition root passes bot.teams.roster_file.RosterFiles)."""
    raise InvalidInput("I can't take files here. Ask your IT team to import the roster from the command line.")


def problems_text(problems: Sequence[Problem]) -> str:
    """Every bad row (line, column, reason), up to SHOWN_PROBLEMS, and how many more."""
    count = len(problems)
    lines = [f"I didn't import anything: the file has {count} problem{'s' if count != 1 else ''}. "
             "Fix them and send the file again."]
    lines += [f"- {plain(clean(str(problem), 200))}" for problem in problems[:SHOWN_PROBLEMS]]
    if count > SHOWN_PROBLEMS:
        lines.append(f"...and {count - SHOWN_PROBLEMS} more.")
    return "\n\n".join(lines[:1]) + "\n\n" + "\n".join(lines[1:])


class RosterFileDialog(CancelAndHelpDialog):
    """Options: {"file": {"name", "url", "type"}} as the Teams edge found it on the message."""

    step_help = "Pick the programme to import this roster into, or say **cancel** to stop."

    def __init__(self, services, download: Download):
        super().__init__()
        self.services = services
        self.download = download
        self.add_dialog(CardChoicePrompt("programme"))
        self.add_dialog(WaterfallDialog("import", [self.check_step, self.import_step]))
        self.initial_dialog_id = "import"

    async def check_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        actor = actor_of(step.context)
        programmes = await self.services.pairs.managed_by(actor)
        if not programmes:
            await step.context.send_activity(NOT_A_MANAGER)
            return await step.end_dialog()
        try:
            data = await self.download(step.options["file"])
        except DomainError as refusal:
            await step.context.send_activity(refusal.message)
            return await step.end_dialog()
        problems = check_roster(data)
        if problems:
            await step.context.send_activity(problems_text(problems))
            return await step.end_dialog()
        if len(programmes) == 1:
            await self._import(step.context, programmes[0], data)
            return await step.end_dialog()
        labels = {clean(p.name): p.id for p in programmes}
        step.values["labels"] = labels
        return await step.prompt("programme", choice_prompt(
            "The file looks right. Which programme is it for?", list(labels), list_label="Your programmes",
            pick_title="Import into this programme"))

    async def import_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        programme = await self.services.ctx.repos.programmes.get(step.values["labels"][step.result.value])
        try:
            data = await self.download(step.options["file"])
        except DomainError as refusal:
            await step.context.send_activity(refusal.message)
            return await step.end_dialog()
        await self._import(step.context, programme, data)
        return await step.end_dialog()

    async def _import(self, context: TurnContext, programme: Programme, data: bytes) -> None:
        try:
            imported = await self.services.enrolment.import_roster(actor_of(context), programme.id, data)
        except RosterRejected as rejected:  # the file changed between the check and the import
            await context.send_activity(problems_text(rejected.problems))
            return
        except DomainError as refusal:
            await context.send_activity(refusal.message)
            return
        await context.send_activity(
            f"Imported into {plain(programme.name)}: {imported.summary}. {imported.added} new, {imported.updated} updated. "
            "Each person gets a card to join when they first open Tandem (to send one now to someone who already uses it, "
            "say **invite @person as mentee**). Say **roster** to see who has joined.")
