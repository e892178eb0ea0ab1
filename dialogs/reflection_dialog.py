"""Writing a private reflection on a held session."""

from __future__ import annotations

from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.domain.errors import DomainError
from bot.domain.reflections import clean_text, parse_rating
from bot.domain.uktime import format_uk
from bot.services.registry import Services
from bot.domain.limits import MAX_REFLECTION_ANSWER
from cards.answers import Field
from dialogs.answers import AnswerPrompt, answer_prompt
from dialogs.base import CancelAndHelpDialog, checked_by, refuse
from dialogs.choices import CardChoicePrompt, choice_prompt
from dialogs.turn import actor_of

RATINGS = ["1", "2", "3", "4", "5"]
RATING_NAMES = {"1": ["1", "not useful"], "5": ["5", "very useful"]}
PRIVATE, SHARE = "Keep it private", "Share with partner"
SHARE_NAMES = {PRIVATE: ["keep it private", "no", "private", "keep", "don't share"], SHARE: ["share it", "yes", "share"]}


def _answer(label: str):
    return checked_by(lambda text: clean_text(label, text))


def _question(question: str):
    return answer_prompt(question, hint="Write it in the box and press Save my answer, or type it here.",
                         field=Field("lines", "Your answer", "Save my answer", max_length=MAX_REFLECTION_ANSWER))


class ReflectionDialog(CancelAndHelpDialog):
    step_help = ("You're writing a private reflection: only you can read it unless you choose to share it. "
                 "Answer the question above, or say **cancel** to stop without saving.")

    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.add_dialog(CardChoicePrompt("session"))
        self.add_dialog(AnswerPrompt("discussed", _answer("what we discussed")))
        self.add_dialog(AnswerPrompt("learned", _answer("what I learned")))
        self.add_dialog(AnswerPrompt("next", _answer("what I will do next")))
        self.add_dialog(CardChoicePrompt("rating"))
        self.add_dialog(CardChoicePrompt("share"))
        self.add_dialog(WaterfallDialog("reflect", [
            self.session_step, self.discussed_step, self.learned_step, self.next_step, self.rating_step,
            self.share_step, self.save_step,
        ]))
        self.initial_dialog_id = "reflect"

    async def session_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.options.get("sessionId"):
            return await step.next(step.options["sessionId"])
        try:
            sessions = await self.services.reflections.awaiting(actor_of(step.context), step.options["pairId"])
        except DomainError as refusal:
            return await refuse(step, refusal)
        if not sessions:
            await step.context.send_activity(
                "There's no session to reflect on yet: once you've both confirmed a session happened, I'll ask you.")
            return await step.end_dialog()
        if len(sessions) == 1:
            return await step.next(sessions[0].id)
        step.values["byLabel"] = {format_uk(s.starts_at): s.id for s in sessions}
        return await step.prompt("session", choice_prompt(
            "Which session?", list(step.values["byLabel"]), list_label="Sessions", pick_title="Reflect on this session"))

    async def discussed_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        result = step.result
        step.values["sessionId"] = step.values["byLabel"][result.value] if hasattr(result, "value") else result
        return await step.prompt("discussed", _question(
            "Private reflection (only you will see it unless you share it). What did you discuss?"))

    async def learned_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["discussed"] = step.result
        return await step.prompt("learned", _question("What did you learn?"))

    async def next_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["learned"] = step.result
        return await step.prompt("next", _question("What will you do next?"))

    async def rating_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["next"] = step.result
        return await step.prompt("rating", choice_prompt(
            "How useful was the session, from 1 (not useful) to 5 (very useful)?", RATINGS, also=RATING_NAMES,
            retry="Say a number from 1 (not useful) to 5 (very useful)."))

    async def share_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["rating"] = parse_rating(step.result.value)
        return await step.prompt("share", choice_prompt(
            "Share this reflection with your partner? It stays private unless you share it.", [PRIVATE, SHARE],
            also=SHARE_NAMES, retry="Say 1 to keep it private or 2 to share it with your partner."))

    async def save_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        v = step.values
        try:
            reflection = await self.services.reflections.write(
                actor_of(step.context), step.options["pairId"], v["sessionId"], v["discussed"], v["learned"], v["next"],
                v["rating"], step.result.value == SHARE)
        except DomainError as refusal:
            return await refuse(step, refusal)
        who = "and shared with your partner" if reflection.shared_with_partner else "privately: only you can read it"
        await step.context.send_activity(f"Reflection saved {who}. Say **my reflections** to see them.")
        return await step.end_dialog()
