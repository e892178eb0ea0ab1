"""Drafting and reviewing the mentoring contract, one clause at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from botbuilder.dialogs import DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.choices import FoundChoice
from botbuilder.dialogs.prompts import PromptValidatorContext

from bot.domain.contracts import (
    CONFIDENTIALITY_LIMIT, MAX_GOALS, MAX_MEETING_MINUTES, MIN_MEETING_MINUTES,
    Cadence, Clauses, MeetingFormat,
)
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.limits import MAX_CLAUSE, MAX_CONFIDENTIALITY_EXTRA, MAX_GOAL, check_length
from bot.domain.uktime import format_day, parse_uk_date, uk_today
from bot.domain.text import person_name
from bot.services.registry import Services
from bot.storage.kinds import CLAUSES
from cards.contract import draft_card
from cards.answers import Button, Field
from dialogs.answers import AnswerPrompt, answer_prompt
from dialogs.base import CancelAndHelpDialog, checked_by, normalise, refuse
from dialogs.choices import CardChoicePrompt, choice_prompt
from dialogs.turn import actor_of, send_card

GOALS, CADENCE, LENGTH, FORMAT, CONTACT, BOUNDARIES, CONFIDENTIALITY, END, REVIEW = (
    "Goals", "How often", "Length", "Format", "Contact between meetings", "Boundaries", "Confidentiality",
    "End date", "Review date",
)
SEND, DISCARD = "Send it", "Discard"
CLAUSE_MENU = [GOALS, CADENCE, LENGTH, FORMAT, CONTACT, BOUNDARIES, CONFIDENTIALITY, END, REVIEW, SEND, DISCARD]
MENU_RETRY = "Say **send it**, **discard**, or a clause's number (1 to 9) or name, such as **goals**."
GOALS_HINT = (f"Write 1 to {MAX_GOALS} goals in the box, one per line, and press Save my goals. Or type them here "
              "with a semicolon (;) between them.")
KEEP_HINT = "Keep the wording shown, or change it in the box. You can also type your own here."
LENGTHS = (30, 45, 60, 90)


def goals_prompt(question: str, current: tuple[str, ...] = ()):
    return answer_prompt(question, hint=GOALS_HINT, field=Field(
        "lines", "Your goals, one per line", "Save my goals", value="\n".join(current),
        placeholder="Learn about stop and search", max_length=MAX_GOALS * (MAX_GOAL + 1)))


def minutes_prompt(question: str):
    return answer_prompt(question, hint="Press one, or type another length in minutes.",
                         buttons=[Button(f"{n} minutes", str(n)) for n in LENGTHS])


def wording_prompt(question: str, current: str, label: str):
    return answer_prompt(question, hint=KEEP_HINT, buttons=[Button("Keep this wording", "default")],
                         field=Field("words", label, "Use my wording", value=current, max_length=MAX_CLAUSE))


def date_prompt(question: str, current: date, earliest: date, latest: date, clause: str):
    return answer_prompt(question, hint="Keep the date, or pick another. You can also type one, such as \"30 June 2027\".",
                         buttons=[Button(f"Keep {format_day(current)}", "keep")],
                         field=Field("date", "Pick a date", "Use this date", value=current.isoformat(),
                                     earliest=earliest, latest=latest),
                         window=[earliest.isoformat(), latest.isoformat()], clause=clause)


def cadence_prompt():
    return choice_prompt("How often will you meet?", [c.value.capitalize() for c in Cadence])


def format_prompt():
    return choice_prompt("How will you meet?", [f.value[0].upper() + f.value[1:] for f in MeetingFormat])
KEEP_WORDS = {"default", "keep", "same", "ok", "yes"}


def parse_goals(text: str) -> tuple[str, ...]:
    lines = [line.strip(" -*\u2022\t").strip() for line in (text or "").replace(";", "\n").splitlines()]
    goals = tuple(line for line in lines if line)
    if not 1 <= len(goals) <= MAX_GOALS:
        raise InvalidInput(f"Please give 1 to {MAX_GOALS} goals, with a semicolon (;) between them.")
    for number, goal in enumerate(goals, 1):
        if len(goal) > MAX_GOAL:
            raise InvalidInput(f"Please keep each goal to {MAX_GOAL} characters or fewer; goal {number} has {len(goal)}.")
    return goals


def parse_clause(text: str) -> str:
    return check_length("this clause", text, MAX_CLAUSE)


def parse_confidentiality_extra(text: str) -> str:
    return check_length("what you add", text, MAX_CONFIDENTIALITY_EXTRA)


def parse_minutes(text: str) -> int:
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    if not digits or not MIN_MEETING_MINUTES <= int(digits) <= MAX_MEETING_MINUTES:
        raise InvalidInput(f"Please give a length in minutes between {MIN_MEETING_MINUTES} and {MAX_MEETING_MINUTES}, e.g. 60.")
    return int(digits)


def parse_date_or_keep(text: str, current: date) -> date:
    return current if normalise(text) in KEEP_WORDS else parse_uk_date(text)


def date_between(earliest: date, latest: date, what: str):
    """A prompt check: 'keep', or a date from `earliest` to `latest`, said at once rather than at sending."""
    def parse(text: str) -> None:
        if normalise(text) in KEEP_WORDS:
            return
        day = parse_uk_date(text)
        if not earliest <= day <= latest:
            raise InvalidInput(f"Please pick {what} from {format_day(earliest)} to {format_day(latest)}.")
    return parse


class ContractDraftDialog(CancelAndHelpDialog):
    """The mentee's first draft: goals, then each clause with a sensible default, then review."""

    step_help = ("We're drafting your mentoring contract. Answer the question above: say **default** to keep the "
                 "suggested wording, or **cancel** to stop without saving.")

    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.add_dialog(AnswerPrompt("goals", checked_by(parse_goals)))
        self.add_dialog(CardChoicePrompt("choice"))
        self.add_dialog(AnswerPrompt("minutes", checked_by(parse_minutes)))
        self.add_dialog(AnswerPrompt("text", checked_by(parse_clause)))
        # The draft ends in the review, which runs inside this dialog: it must be found here when it
        # re-prompts (the SDK looks a re-prompting dialog up in its own set only).
        self.add_dialog(ContractReviewDialog(services))
        self.add_dialog(WaterfallDialog("draft", [
            self.goals_step, self.cadence_step, self.length_step, self.format_step, self.contact_step,
            self.boundaries_step, self.review_step,
        ]))
        self.initial_dialog_id = "draft"

    async def goals_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        try:
            view, clauses, _ = await self.services.contracts.starting_clauses(actor_of(step.context), step.options["pairId"])
        except DomainError as refusal:
            return await refuse(step, refusal)
        step.values["clauses"] = CLAUSES.plain(clauses)
        return await step.prompt("goals", goals_prompt(
            f"Let's draft your mentoring contract with {person_name(view.partner_name)}. First, your goals: what do you want from "
            "this mentoring?"))

    def _clauses(self, step: WaterfallStepContext) -> Clauses:
        return CLAUSES.load(step.values["clauses"])

    def _save(self, step: WaterfallStepContext, clauses: Clauses) -> None:
        step.values["clauses"] = CLAUSES.plain(clauses)

    async def cadence_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        self._save(step, replace(self._clauses(step), goals=parse_goals(step.result)))
        return await step.prompt("choice", cadence_prompt())

    async def length_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        self._save(step, replace(self._clauses(step), cadence=list(Cadence)[step.result.index]))
        return await step.prompt("minutes", minutes_prompt("How long will each session last? (60 minutes is typical)"))

    async def format_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        self._save(step, replace(self._clauses(step), meeting_minutes=parse_minutes(step.result)))
        return await step.prompt("choice", format_prompt())

    async def contact_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        clauses = replace(self._clauses(step), meeting_format=list(MeetingFormat)[step.result.index])
        self._save(step, clauses)
        return await step.prompt("text", wording_prompt(
            "How will you keep in touch between sessions?", clauses.contact_between, "Keeping in touch"))

    async def boundaries_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        clauses = self._clauses(step)
        if normalise(step.result) not in KEEP_WORDS:
            clauses = replace(clauses, contact_between=step.result.strip())
        self._save(step, clauses)
        return await step.prompt("text", wording_prompt("Any boundaries to agree?", clauses.boundaries, "Boundaries"))

    async def review_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        clauses = self._clauses(step)
        if normalise(step.result) not in KEEP_WORDS:
            clauses = replace(clauses, boundaries=step.result.strip())
        return await step.replace_dialog(ContractReviewDialog.__name__, {"pairId": step.options["pairId"], "clauses": CLAUSES.plain(clauses)})


class ContractReviewDialog(CancelAndHelpDialog):
    """Shows the draft and loops: change any clause, then send it to the partner (or discard)."""

    step_help = "Pick a clause to change, **Send it** to send the contract to your partner, or **cancel** to stop."

    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.add_dialog(CardChoicePrompt("menu"))
        self.add_dialog(CardChoicePrompt("choice"))
        self.add_dialog(AnswerPrompt("goals", checked_by(parse_goals)))
        self.add_dialog(AnswerPrompt("minutes", checked_by(parse_minutes)))
        self.add_dialog(AnswerPrompt("date", self.validate_date))
        self.add_dialog(AnswerPrompt("text", checked_by(parse_clause)))
        self.add_dialog(AnswerPrompt("extra", checked_by(parse_confidentiality_extra)))
        self.add_dialog(WaterfallDialog("review", [self.menu_step, self.ask_step, self.apply_step]))
        self.initial_dialog_id = "review"

    async def menu_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        try:
            view, current, ends = await self.services.contracts.starting_clauses(actor_of(step.context), step.options["pairId"])
        except DomainError as refusal:
            return await refuse(step, refusal)
        clauses = CLAUSES.load(step.options["clauses"]) if step.options.get("clauses") else current
        step.values["clauses"] = CLAUSES.plain(clauses)
        step.values["programmeEnds"] = ends.isoformat()
        await send_card(step.context, draft_card(clauses, view.names))
        return await step.prompt("menu", choice_prompt(
            "Change a clause, or send it?", CLAUSE_MENU, finish=[SEND, DISCARD], list_label="Change a clause",
            pick_title="Change this clause", retry=MENU_RETRY))

    async def validate_date(self, prompt: PromptValidatorContext) -> bool:
        window = (prompt.options.validations or {}).get("window")
        earliest, latest = (date.fromisoformat(d) for d in window)
        what = "an end date" if prompt.options.validations.get("clause") == END else "a review date"
        return await checked_by(date_between(earliest, latest, what))(prompt)

    async def ask_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        clause = step.result.value
        step.values["clause"] = clause
        clauses = CLAUSES.load(step.values["clauses"])
        if clause == SEND:
            try:
                version = await self.services.contracts.propose(actor_of(step.context), step.options["pairId"], clauses)
            except DomainError as refusal:
                # Say what to fix, and come back to the draft with nothing lost.
                await step.context.send_activity(refusal.message)
                return await step.replace_dialog(self.id, {"pairId": step.options["pairId"], "clauses": CLAUSES.plain(clauses)})
            await step.context.send_activity(
                f"Sent version {version.number} to your partner. It comes into force when they accept it; "
                "I'll tell you when they do.")
            return await step.end_dialog(version.number)
        if clause == DISCARD:
            await step.context.send_activity("Discarded. Nothing was sent. Say **contract** to start again.")
            return await step.end_dialog()
        today = uk_today(self.services.ctx.clock.now())
        programme_ends = date.fromisoformat(step.values["programmeEnds"])
        prompts = {
            GOALS: lambda: ("goals", goals_prompt("Your goals: what do you want from this mentoring?", clauses.goals)),
            CADENCE: lambda: ("choice", cadence_prompt()),
            LENGTH: lambda: ("minutes", minutes_prompt("How long will each session last?")),
            FORMAT: lambda: ("choice", format_prompt()),
            CONTACT: lambda: ("text", wording_prompt("How will you keep in touch between sessions?",
                                                     clauses.contact_between, "Keeping in touch")),
            BOUNDARIES: lambda: ("text", wording_prompt("What boundaries do you agree?", clauses.boundaries, "Boundaries")),
            CONFIDENTIALITY: lambda: ("extra", answer_prompt(
                "Anything to add to confidentiality? The limit always stays: misconduct or a risk to someone's safety "
                "told in a session must be reported.", hint="Press Nothing to add, or write it in the box.",
                buttons=[Button("Nothing to add", "none")],
                field=Field("words", "What to add", "Add this", max_length=MAX_CONFIDENTIALITY_EXTRA))),
            END: lambda: ("date", date_prompt(f"When should the contract end? (by {format_day(programme_ends)})",
                                              clauses.end_date, max(today, clauses.start_date) + timedelta(days=1),
                                              programme_ends, END)),
            REVIEW: lambda: ("date", date_prompt("When will you review how it's going?", clauses.review_date,
                                                 max(today, clauses.start_date), clauses.end_date, REVIEW)),
        }
        dialog_id, options = prompts[clause]()
        return await step.prompt(dialog_id, options)

    async def apply_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        clause = step.values["clause"]
        clauses = CLAUSES.load(step.values["clauses"])
        found = step.result if isinstance(step.result, FoundChoice) else None
        value = found.value if found is not None else step.result
        if clause == GOALS:
            clauses = replace(clauses, goals=parse_goals(value))
        elif clause == CADENCE:
            clauses = replace(clauses, cadence=list(Cadence)[found.index])
        elif clause == LENGTH:
            clauses = replace(clauses, meeting_minutes=parse_minutes(value))
        elif clause == FORMAT:
            clauses = replace(clauses, meeting_format=list(MeetingFormat)[found.index])
        elif clause == CONTACT:
            clauses = replace(clauses, contact_between=value.strip())
        elif clause == BOUNDARIES:
            clauses = replace(clauses, boundaries=value.strip())
        elif clause == CONFIDENTIALITY:
            extra = "" if normalise(value) in {"none", "no", "default"} else " " + value.strip()
            clauses = replace(clauses, confidentiality=CONFIDENTIALITY_LIMIT + extra)
        elif clause == END:
            clauses = replace(clauses, end_date=parse_date_or_keep(value, clauses.end_date))
        elif clause == REVIEW:
            clauses = replace(clauses, review_date=parse_date_or_keep(value, clauses.review_date))
        return await step.replace_dialog(self.id, {"pairId": step.options["pairId"], "clauses": CLAUSES.plain(clauses)})
