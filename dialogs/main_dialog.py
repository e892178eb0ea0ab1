"""The conversation's entry point: works out which pairing a command is about, then runs it."""

from __future__ import annotations

import re
from typing import Any, AsyncIterator, Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.dialogs import ComponentDialog, DialogTurnResult, WaterfallDialog, WaterfallStepContext

from bot.deadline import remaining
from bot.domain.errors import DomainError
from bot.domain.policy import PersonalChatOnly
from bot.domain.people import Role
from bot.domain.programmes import Programme
from bot.domain.uktime import format_uk, uk_today
from bot.domain.limits import MAX_DISPLAY_NAME
from bot.domain.text import clean, person_name, plain
from bot.services.context import Actor
from bot.services.enrolment import Invited
from bot.services.registry import Services
from cards.contract import contract_card, contract_history_card, no_contract_card
from bot.domain.matching import Method, ProgrammeKind
from bot.domain.surveys import choosable
from bot.domain.roster import RosterRole
from cards.enrolment import change_pairs_card, profile_card, proposal_card, roster_card
from cards.pairing import programme_card, programme_settings_card
from cards.reflection import reflection_prompt_card, reflections_list_card
from bot.domain.contracts import ContractStatus
from bot.domain.sessions import SessionStatus
from bot.services.sessions import NO_ATTENDEES
from cards.session import attendance_card, attendance_note, session_confirmed_card, sessions_card
from dialogs.choose_pair_dialog import ChoosePairDialog
from dialogs.commands import Command, pause_days, split_programme_end, without_programme
from dialogs.contract_dialog import ContractDraftDialog, ContractReviewDialog
from dialogs.glossary import explain
from dialogs.help import MANAGER_HELP, help_text
from dialogs.my_data_dialog import EraseMyDataDialog
from dialogs.reflection_dialog import ReflectionDialog
from dialogs.roster_file_dialog import Download, RosterFileDialog, no_downloads
from dialogs.report_command import send_cpd_record, send_report
from dialogs.session_dialog import SessionDialog
from dialogs.shifts_dialog import ShiftPatternDialog, saved
from dialogs.turn import actor_of, app_link, only_in_personal_chat, place_of, send_card, stored_reference

MentionResolver = Callable[[TurnContext], Awaitable[list[Actor]]]
# A team's or channel's members, page by page: (people, bots skipped); bot.teams.members.member_pages.
MemberPages = Callable[[TurnContext, str], AsyncIterator[tuple[list[Actor], int]]]
TEAM_PAGE_RESERVE_SECONDS = 4.0  # a team invite stops reading pages with less than this left of the turn
TEAM_INVITE = re.compile(r"\bthis\s+(?P<scope>team|channel)\b", re.IGNORECASE)

UNKNOWN_REPLY = ("Sorry, I didn't understand that. Try **help** to see what you can do now, "
                 "or **contract**, **schedule**, **sessions**, **reflect**.")


class MainDialog(ComponentDialog):
    """Options: {"command": Command value, "argument": str, "pairId"?, "sessionId"?, "answering"?, "moving"?}."""

    def __init__(self, services: Services, resolve_mentions: MentionResolver, member_pages: MemberPages | None = None,
                 download_file: Download | None = None):
        # Not a CancelAndHelpDialog itself: 'help' and 'cancel' are answered by the step that is waiting.
        super().__init__(MainDialog.__name__)
        self.services = services
        self.resolve_mentions = resolve_mentions
        self.member_pages = member_pages
        for dialog in (ChoosePairDialog(), ContractDraftDialog(services), ContractReviewDialog(services),
                       SessionDialog(services), ReflectionDialog(services), EraseMyDataDialog(services),
                       ShiftPatternDialog(services), RosterFileDialog(services, download_file or no_downloads)):
            self.add_dialog(dialog)
        self.add_dialog(WaterfallDialog("main", [self.pair_step, self.run_step]))
        self.initial_dialog_id = "main"

    async def pair_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        command = Command(step.options["command"])
        if not command.needs_pair or step.options.get("pairId"):
            return await step.next(step.options.get("pairId"))
        views = await self.services.pairs.views(actor_of(step.context), include_closed=command is Command.RAISE_CONCERN)
        if not views:
            await step.context.send_activity(await self._no_pair_reply(actor_of(step.context)))
            return await step.end_dialog()
        if len(views) == 1:
            return await step.next(views[0].pair.id)
        # Button titles show text as-is: cleaned (nothing hidden, no tags), not markdown-escaped.
        labels = {f"{clean(v.partner_name, MAX_DISPLAY_NAME)} (your {v.role.other.value}, {clean(v.programme.name)})": v.pair.id
                  for v in views}
        names = {label: [clean(v.partner_name), *clean(v.partner_name).split()[:1]] for label, v in zip(labels, views)}
        question = ("Which of your mentees do you mean?" if all(v.role is Role.MENTOR for v in views)
                    else "Which pairing do you mean?")
        return await step.begin_dialog(ChoosePairDialog.__name__, {"labels": labels, "names": names, "then": command.value,
                                                                   "question": question})

    async def _no_pair_reply(self, actor: Actor) -> str:
        """Someone with no active pairing asked for a pair's step: a reply that fits who they are."""
        managed = await self.services.pairs.managed_by(actor)
        if managed:
            names = " and ".join(plain(p.name) for p in managed[:3]) + (" and others" if len(managed) > 3 else "")
            return (f"You manage {names}; pairs' sessions, contracts and reflections are theirs to see: "
                    "say **status** for how pairs are doing.")
        if await self.services.pairs.views(actor, include_closed=True):
            return ("Your pairing has ended, so there's nothing to book or agree now. Your reflections stay yours: "
                    "say **my reflections**. Your programme manager can pair you again.")
        return "You're not in a mentoring pair yet. Your programme manager pairs people, and I'll tell you who with."

    async def run_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        result = step.result
        pair_id = result["pairId"] if isinstance(result, dict) else result
        options = {**step.options, "pairId": pair_id}
        command = Command(options["command"])
        if command.needs_pair and not pair_id:  # they said cancel when asked which pairing: nothing more to do
            return await step.end_dialog()
        try:
            child = await self._dispatch(step.context, command, options)
        except PersonalChatOnly as refusal:
            await step.context.send_activity(only_in_personal_chat(step.context.activity, refusal.message))
            return await step.end_dialog()
        except DomainError as refusal:
            await step.context.send_activity(refusal.message)
            return await step.end_dialog()
        if child:
            dialog_id, child_options = child
            return await step.replace_dialog(dialog_id, child_options)
        return await step.end_dialog()

    async def _dispatch(self, context: TurnContext, command: Command, options: dict[str, Any]) -> tuple[str, dict] | None:
        """Runs a command. Returns the dialog to continue in, if the command is a conversation."""
        actor = actor_of(context)
        pair_id = options.get("pairId")
        if command is Command.HELP:
            await context.send_activity(await help_text(self.services, actor))
        elif command is Command.HELP_MANAGER:
            await context.send_activity(MANAGER_HELP)
        elif command is Command.EXPLAIN:
            await context.send_activity(explain(options.get("argument", "")))
        elif command is Command.CONTRACT:
            return await self._show_contract(context, actor, pair_id)
        elif command is Command.DRAFT_CONTRACT:
            view, contract = await self.services.contracts.current(actor, pair_id)
            if contract.pending and contract.pending.proposed_by is view.role or contract.in_force:
                return ContractReviewDialog.__name__, {"pairId": pair_id}
            return ContractDraftDialog.__name__, {"pairId": pair_id}
        elif command is Command.CHANGE_CONTRACT:
            await self.services.contracts.current(actor, pair_id)
            return ContractReviewDialog.__name__, {"pairId": pair_id}
        elif command is Command.SCHEDULE:
            return SessionDialog.__name__, {k: options.get(k) for k in ("pairId", "answering", "moving")}
        elif command is Command.SESSIONS:
            await self._show_sessions(context, actor, pair_id)
        elif command is Command.REFLECT:
            return ReflectionDialog.__name__, {"pairId": pair_id, "sessionId": options.get("sessionId")}
        elif command is Command.MY_REFLECTIONS:
            own, shared = await self.services.reflections.mine(actor)
            await send_card(context, reflections_list_card(own, shared))
            for view in await self.services.pairs.views(actor):  # a way to write the ones still to do
                waiting = await self.services.reflections.awaiting(actor, view.pair.id)
                if waiting:
                    await send_card(context, reflection_prompt_card(view.pair.id, waiting[0]))
        elif command is Command.DELETE_MY_DATA:
            return EraseMyDataDialog.__name__, {k: options[k] for k in ("confirmed",) if k in options}
        elif command is Command.PROGRAMMES:
            await self._show_programmes(context, actor)
        elif command is Command.NEW_PROGRAMME:
            await self._new_programme(context, actor, options.get("argument", ""))
        elif command is Command.PAIR:
            await self._pair(context, actor, options.get("argument", ""))
        elif command is Command.STATUS:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                await send_card(context, await self.services.alerts.status(actor, programme.id, place_of(context.activity)))
        elif command is Command.ALERTS_HERE:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                await self.services.alerts.use_channel(actor, programme.id, stored_reference(context), place_of(context.activity))
                await context.send_activity(f"Alerts for {plain(programme.name)} will come here as well as to its managers: "
                                            "here without names or details, which stay in the managers' personal chats.")
        elif command is Command.LINK_TEAM:
            programme = await self._programme_to_run(context, actor, options.get("argument", ""))
            if programme:
                await self.services.programmes.link_team(actor, programme.id, place_of(context.activity))
                await context.send_activity(f"This team is linked to {plain(programme.name)}. A manager can now say "
                                            f"**alerts here in {plain(programme.name)}** in one of its channels.")
        elif command.names_a_person:
            await self._about_a_person(context, actor, command, options.get("argument", ""))
        elif command is Command.RAISE_CONCERN:
            _, acknowledgement = await self.services.safeguarding.raise_concern(actor, pair_id, options.get("argument", ""))
            await context.send_activity(acknowledgement)
        elif command is Command.PAUSE:
            person = await self.services.pairs.pause_nudges(actor, pause_days(
                options.get("argument", ""), uk_today(self.services.ctx.clock.now())))
            unpaired = not await self.services.pairs.views(actor)
            await context.send_activity(
                f"Reminders paused until {format_uk(person.nudges_paused_until)}. "
                + ("You're not in a pair yet, so there are none now; if you're paired before then, they wait till then. "
                   if unpaired else "")
                + "Say **resume reminders** to have them back sooner.")
        elif command is Command.RESUME:
            await self.services.pairs.resume_nudges(actor)
            await context.send_activity("Reminders are back on.")
        elif command is Command.MY_SHIFTS:
            said = options.get("argument", "")
            if not said:
                return ShiftPatternDialog.__name__, {}
            await context.send_activity(saved(await self.services.suggestions.set_shift_pattern(actor, said)))
        elif command is Command.ASK_FOR_HELP:
            await self.services.alerts.request_help(actor, pair_id, options.get("argument", ""))
            await context.send_activity("I've asked your programme manager to get in touch. Your partner hasn't been told.")
        elif command is Command.NO_FAULT_CLOSE:
            await self.services.alerts.request_close(actor, pair_id, options.get("argument", ""))
            await context.send_activity(
                "I've asked your programme manager about a no-fault close. Nothing changes until they've talked it "
                "through with you; your partner hasn't been told by me.")
        elif command is Command.REPORT:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                await send_report(context, self.services, actor, programme)
        elif command is Command.EXPORT_REFLECTIONS:
            await send_cpd_record(context, self.services, actor)
        elif command is Command.INVITE:
            await self._invite(context, actor, options.get("argument", ""))
        elif command is Command.ROSTER_FILE:
            if options.get("file"):
                return RosterFileDialog.__name__, {"file": options["file"]}
            await context.send_activity("To import a roster, attach the CSV file to a message in our personal chat and send it. "
                                        "Columns: email, role (mentor, mentee or reserve), then name, organisation, focus_areas, "
                                        "capacity, line_manager, exclude and ranking if you need them.")
        elif command is Command.ROSTER:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                view = await self.services.enrolment.roster(actor, programme.id)
                await send_card(context, roster_card(view.programme, view.participants, view.unreached, app_link(context)))
        elif command is Command.MATCH:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                said = options.get("argument", "").lower().split()
                if programme.matching == "by hand" and not {"stable", "suggested"} & set(said):
                    form = await self.services.enrolment.change_form(actor, programme.id, None, ProgrammeKind(programme.kind))
                    await send_card(context, change_pairs_card(form.programme, form.rows, form.names, form.capacity),
                                    "This programme's pairs are made by hand: choose a mentor for each mentee. "
                                    "Say **match suggested** to see what Tandem would suggest.")
                    return None
                method = Method.STABLE if "stable" in said or (programme.matching == "stable" and "suggested" not in said) \
                    else Method.SUGGESTED
                p = await self.services.enrolment.proposal(actor, programme.id, method, ProgrammeKind(programme.kind))
                await send_card(context, proposal_card(p.programme, p.method, p.result, p.names, p.digest, warning=p.warning))
        elif command is Command.DEBRIEF:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                await send_card(context, await self.services.surveys.debrief(actor, programme.id))
        elif command is Command.PROGRAMME_SETTINGS:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                await send_card(context, programme_settings_card(await self.services.programmes.settings(actor, programme.id)))
        elif command is Command.LEAVE_PROGRAMME:
            await self._leave(context, actor, options.get("argument", ""))
        elif command is Command.MY_PROFILE:
            await self._my_profile(context, actor, options.get("argument", ""))
        elif command is Command.OPEN_RANKINGS:
            programme = await self._managed_programme(context, actor, options.get("argument", ""))
            if programme:
                sent = await self.services.enrolment.open_rankings(actor, programme.id)
                await context.send_activity(
                    f"Sent {sent} people in {plain(programme.name)} a card to choose whom they'd like to be paired with. "
                    "When they've chosen, say **match stable**." if sent else
                    "Nobody is waiting to choose yet: rankings go to mentees and mentors who joined and aren't paired.")
        elif command in (Command.SURVEY_QUESTION_ADD, Command.SURVEY_QUESTIONS, Command.SURVEY_QUESTION_DROP,
                         Command.SURVEY_QUESTION_ASK):
            await self._survey_questions(context, actor, command, options.get("argument", ""))
        elif command is Command.ACCEPT:
            await self._accept(context, actor, pair_id, options.get("argument", ""))
        elif command in (Command.HAPPENED, Command.MISSED):
            await self._attended(context, actor, pair_id, command is Command.HAPPENED)
        else:
            await context.send_activity(UNKNOWN_REPLY)
        return None

    async def _show_contract(self, context: TurnContext, actor: Actor, pair_id: str) -> tuple[str, dict] | None:
        view, contract = await self.services.contracts.current(actor, pair_id, history=True)
        if not contract.versions or (contract.in_force is None and contract.pending is None):
            if view.role.value == "mentee":
                return ContractDraftDialog.__name__, {"pairId": pair_id}
            await send_card(context, no_contract_card(pair_id, view.role, view.partner_name))
            return None
        if contract.in_force:
            await send_card(context, contract_card(pair_id, contract.in_force, view.names, view.role, kind=view.programme.kind))
        if contract.pending:
            lead = "There's also a proposed amendment:" if contract.in_force else ""
            await send_card(context, contract_card(pair_id, contract.pending, view.names, view.role,
                                                   compared_with=contract.compared_with(contract.pending),
                                                   kind=view.programme.kind), lead)
        if len(contract.versions) > 1:
            await send_card(context, contract_history_card(contract))
        return None

    async def _invite(self, context: TurnContext, actor: Actor, argument: str) -> None:
        """invite @person [@person ...] as mentor|mentee|reserve [in PROGRAMME]; invite this team|channel as ..."""
        words = set(argument.lower().replace(",", " ").split())
        roles = [role for role in RosterRole if role.value in words or role.value + "s" in words]
        team = TEAM_INVITE.search(argument)
        if team and len(roles) == 1:
            await self._invite_members(context, actor, team.group("scope").lower(), roles[0], argument)
            return
        people = await self.resolve_mentions(context)
        if not people or len(roles) != 1:
            await context.send_activity("To invite people, @mention them and say their role: **invite @person as mentor** "
                                        "(or mentee, reserve). Add **in PROGRAMME NAME** if you manage more than one.")
            return
        programme = await self._managed_programme(context, actor, argument)
        if programme is None:
            return
        invited = await self.services.enrolment.invite(actor, programme.id, people, roles[0])
        names = ", ".join(person_name(p.name, p.email) for p in invited)
        await context.send_activity(f"Invited {names} to {plain(programme.name)} as {roles[0].value}s. Each has a card "
                                    "to join; I'll tell you when they do. Say **roster** to see who has joined.")

    async def _invite_members(self, context: TurnContext, actor: Actor, scope: str, role: RosterRole, argument: str) -> None:
        """Everyone in the team (or channel) this is said in, read from Teams a page at a time."""
        if self.member_pages is None or context.activity.conversation.conversation_type != "channel":
            await context.send_activity("Say this in a channel of the team: **invite this team as mentees** (or mentors, "
                                        "reserves). In a chat, @mention the people instead: **invite @person as mentee**.")
            return
        programme = await self._managed_programme(context, actor, argument)
        if programme is None:
            return
        await context.send_activity(f"Inviting this {scope}'s members to {plain(programme.name)} as {role.value}s. "
                                    "For a large team this can take a minute.")
        total, pages, cut_short = Invited(), 0, False
        async for people, bots in self.member_pages(context, scope):
            # The first page's cards go now; later pages' go from the outbox within minutes, so a large team
            # fits in the manager's turn. Short of time: stop, and say how to carry on (the invited are skipped).
            total = total + await self.services.enrolment.invite_members(actor, programme.id, people, role,
                                                                           send_now=pages == 0) + Invited(skipped=bots)
            pages += 1
            left = remaining()
            if left is not None and left < TEAM_PAGE_RESERVE_SECONDS:
                cut_short = True
                break
        waiting = total.invited - total.reached - total.queued
        lines = [f"I invited {total.invited} of this {scope}'s members to {plain(programme.name)} as {role.value}s."]
        if total.invited:
            lines.append(f"{total.reached} have their card to join now" + (
                f", and {total.queued} more get theirs within a few minutes" if total.queued else "") + (
                f"; {waiting} will get it when they first open Tandem." if waiting else "."))
        if cut_short:
            lines.append(f"That's as many as I can do in one go. Say **invite this {scope} as {role.value}s** again to carry on: "
                         "everyone invited so far is skipped.")
        lines.append(f"Already invited or taking part: {total.already}. Skipped: {total.skipped} (you, bots, anyone "
                     "without a work email, and anyone the programme's settings don't let take part).")
        lines.append("I'll tell you as people join. Say **roster** to see who has.")
        await context.send_activity("\n\n".join(lines))

    async def _leave(self, context: TurnContext, actor: Actor, argument: str) -> None:
        programmes = [p for p, _ in await self.services.enrolment.taking_part(actor)]
        for view in await self.services.pairs.views(actor):
            programmes.append(view.programme)
        choice = await self._choose(context, list({p.id: p for p in programmes}.values()), argument,
                                    "You're not taking part in any programme.")
        if choice:
            await self.services.enrolment.leave(actor, choice.id)
            await context.send_activity(f"You've left {plain(choice.name)}. Nobody will pair you in it again.")

    async def _my_profile(self, context: TurnContext, actor: Actor, argument: str) -> None:
        """Their profile card again, for the programme they joined (or the one they name)."""
        joined = [p for p, participant in await self.services.enrolment.taking_part(actor) if participant.status.value == "joined"]
        choice = await self._choose(context, joined, argument, "You haven't joined a programme yet, so there's no profile "
                                                               "to fill in. Your programme manager invites you.")
        if choice:
            programme, participant, others = await self.services.enrolment.profile(actor, choice.id)
            await send_card(context, profile_card(programme, participant, others))

    async def _accept(self, context: TurnContext, actor: Actor, pair_id: str, what: str) -> None:
        """'accept' typed: the contract version or session time the partner proposed and this person has
        not answered. 'accept contract' / 'accept session' say which when both are waiting."""
        view, contract = await self.services.contracts.current(actor, pair_id)
        _, schedule = await self.services.sessions.overview(actor, pair_id)
        version = contract.pending if contract.pending and view.role not in contract.pending.confirmed_by else None
        offers = [s for s in schedule.sessions if s.status is SessionStatus.PROPOSED and s.proposed_by is not view.role]
        wanted = what.lower()
        if "contract" in wanted:
            offers = []
        elif "session" in wanted or "time" in wanted:
            version = None
        if version and offers:
            await context.send_activity("Your partner has proposed a contract and a session time. "
                                        "Say **accept contract** or **accept session**.")
        elif version:
            accepted = await self.services.contracts.accept(actor, pair_id, version.number)
            note = "You accepted: the contract is in force." if accepted.status is ContractStatus.IN_FORCE else "You accepted this version."
            await send_card(context, contract_card(pair_id, accepted, view.names, view.role, note=note, kind=view.programme.kind))
        elif offers:
            session = min(offers, key=lambda s: s.starts_at)
            confirmed = await self.services.sessions.accept(actor, pair_id, session.id)
            await send_card(context, session_confirmed_card(pair_id, confirmed, view.names, NO_ATTENDEES))
        else:
            await context.send_activity("There's nothing waiting for you to accept. Say **sessions** or **contract** to see where things are.")

    async def _attended(self, context: TurnContext, actor: Actor, pair_id: str, happened: bool) -> None:
        """'we met' / 'we didn't meet' typed: the earliest session still waiting for this person's answer."""
        view, schedule = await self.services.sessions.overview(actor, pair_id)
        waiting = schedule.awaiting_outcome(self.services.ctx.clock.now(), view.role)
        if not waiting:
            await context.send_activity("No session is waiting for you to say whether it happened. Say **sessions** to see them.")
            return
        session = await self.services.sessions.record_attendance(actor, pair_id, waiting[0].id, happened)
        await send_card(context, attendance_card(pair_id, session, view.partner_name,
                                                 note=attendance_note(session, view.partner_name)))

    async def _show_sessions(self, context: TurnContext, actor: Actor, pair_id: str) -> None:
        view, schedule = await self.services.sessions.overview(actor, pair_id)
        now = self.services.ctx.clock.now()
        awaiting = schedule.awaiting_outcome(now, view.role)
        past = [s for s in sorted(schedule.sessions, key=lambda s: s.starts_at) if s.status.value in ("held", "not held")]
        await send_card(context, sessions_card(pair_id, view.partner_name, schedule.upcoming(now), awaiting, past))
        for session in awaiting:
            await send_card(context, attendance_card(pair_id, session, view.partner_name))

    async def _show_programmes(self, context: TurnContext, actor: Actor) -> None:
        programmes = await self.services.pairs.managed_by(actor)
        if not programmes:
            await context.send_activity("You don't manage any programmes. A Tandem administrator starts programmes and appoints their managers.")
        for programme in programmes:
            await send_card(context, programme_card(programme, await self.services.pairs.roster_size(actor, programme.id)))

    async def _new_programme(self, context: TurnContext, actor: Actor, argument: str) -> None:
        name, ends_on = split_programme_end(argument)
        programme = await self.services.pairs.create_programme(actor, name, ends_on)
        await send_card(context, programme_card(programme, 0),
                        f"Created **{plain(programme.name)}**. You're its manager. Appoint others with **add manager @person**, name its "
                        "safeguarding lead with **safeguarding lead @person**, and pair people with: pair @mentor @mentee")

    async def _survey_questions(self, context: TurnContext, actor: Actor, command: Command, argument: str) -> None:
        """A manager adds a 1 to 5 question of their own to the programme's surveys, or lists them all."""
        programme = await self._managed_programme(context, actor, argument)
        if programme is None:
            return
        if command is Command.SURVEY_QUESTION_ADD:
            question = await self.services.surveys.add_question(actor, programme.id, without_programme(argument, programme.name))
            await context.send_activity(f"Added to the surveys in {plain(programme.name)} (answered 1 to 5): "
                                        f"\u201c{plain(question.text)}\u201d. Say **survey questions** to see them all.")
            return
        if command in (Command.SURVEY_QUESTION_DROP, Command.SURVEY_QUESTION_ASK):
            words = without_programme(argument, programme.name).split()
            if not words or not words[0].isdigit():
                await context.send_activity("Give the question's number, as **survey questions** lists them: "
                                            "**survey question drop 4**.")
                return
            ask = command is Command.SURVEY_QUESTION_ASK
            question = await self.services.surveys.choose_default(actor, programme.id, int(words[0]), ask)
            await context.send_activity(f"{'Asking again' if ask else 'No longer asking'}: \u201c{plain(question.text)}\u201d, "
                                        "from the next survey on. Say **survey questions** to see them all.")
            return
        asked = {q.id for q in await self.services.surveys.questions(actor, programme.id)}
        standard = choosable(programme.kind)
        lines = [f"{n}. {plain(q.text)}" + ("" if q.id in asked or (q.id == "goal-progress" and "goal-progress" in asked) else " (not asked)")
                 for n, q in enumerate(standard, 1)]
        own = [q for q in await self.services.surveys.questions(actor, programme.id) if q.id.startswith("own-")]
        lines += [f"- {plain(q.text)} ({q.kind.value}, your own)" for q in own]
        await context.send_activity(f"The survey questions in {plain(programme.name)} (each pair's goals are asked one by one):\n\n"
                                    + "\n".join(lines) + "\n\nSay **survey question drop 4** to stop asking one (or **survey question ask 4** "
                                    "to ask it again), or **survey question add** and your question to add one of your own.")

    async def _managed_programme(self, context: TurnContext, actor: Actor, argument: str) -> Programme | None:
        """The programme a manager's command is about: the one named in the text, or their only one.
        None (after telling them why) when that cannot be settled."""
        return await self._choose(context, await self.services.pairs.managed_by(actor), argument,
                                  "Only a programme's managers can do that. A Tandem administrator appoints them.")

    async def _programme_to_run(self, context: TurnContext, actor: Actor, argument: str) -> Programme | None:
        """For steps an administrator may take too (managers, teams, the safeguarding lead)."""
        return await self._choose(context, await self.services.programmes.administered_by(actor), argument,
                                  "Only a programme's managers, or a Tandem administrator, can do that.")

    async def _choose(self, context: TurnContext, programmes: list[Programme], argument: str, nobody: str) -> Programme | None:
        if not programmes:
            await context.send_activity(nobody)
            return None
        lowered = argument.lower()
        named = [p for p in programmes if p.name.lower() in lowered]
        chosen = named if named else programmes
        if len(chosen) != 1:
            names = "; ".join(plain(p.name) for p in programmes)
            await context.send_activity(f"Which programme? Add **in NAME** to the command. You can choose: {names}.")
            return None
        return chosen[0]

    async def _pair(self, context: TurnContext, actor: Actor, argument: str) -> None:
        people = await self.resolve_mentions(context)
        if len(people) != 2:
            await context.send_activity(
                "To pair people, @mention the mentor first and then the mentee: **pair @mentor @mentee** "
                "(add **in PROGRAMME NAME** if you manage more than one programme).")
            return
        programme = await self._managed_programme(context, actor, argument)
        if programme is None:
            return
        mentor, mentee = people
        await self.services.pairs.pair_people(actor, programme.id, mentor, mentee)
        await context.send_activity(
            f"Paired {person_name(mentor.name, 'the mentor')} (mentor) with {person_name(mentee.name, 'the mentee')} (mentee) "
            f"in {plain(programme.name)}. I've told them both.")

    async def _about_a_person(self, context: TurnContext, actor: Actor, command: Command, argument: str) -> None:
        """add manager / remove manager / safeguarding lead / under 18 / guardian consent, each @person [in PROGRAMME]."""
        people = await self.resolve_mentions(context)
        if len(people) != 1:
            await context.send_activity(f"@mention one person: {command.value} @person (add 'in PROGRAMME NAME' if there "
                                        "is more than one programme).")
            return
        person = people[0]
        if command in (Command.UNDER_18, Command.GUARDIAN_CONSENT):
            programme = await self._managed_programme(context, actor, argument)
        else:
            programme = await self._programme_to_run(context, actor, argument)
        if programme is None:
            return
        if command is Command.ADD_MANAGER:
            await self.services.programmes.appoint_manager(actor, programme.id, person)
            reply = f"{person_name(person.name, 'They')} is now a manager of {plain(programme.name)}. I've told them."
        elif command is Command.REMOVE_MANAGER:
            await self.services.programmes.remove_manager(actor, programme.id, person)
            reply = f"{person_name(person.name, 'They')} no longer manages {plain(programme.name)}."
        elif command is Command.SAFEGUARDING_LEAD:
            await self.services.safeguarding.name_lead(actor, programme.id, person)
            reply = (f"{person_name(person.name, 'They')} is the safeguarding lead for {plain(programme.name)}. Concerns go to them, "
                     "privately, and to nobody else.")
        elif command is Command.UNDER_18:
            await self.services.programmes.record_under_18(actor, programme.id, person)
            reply = f"Recorded. {person_name(person.name, 'They')} can't be paired until guardian consent is recorded: guardian consent @person."
        else:
            await self.services.programmes.record_guardian_consent(actor, programme.id, person)
            reply = f"Guardian consent recorded for {person_name(person.name, 'They')}."
        await context.send_activity(reply)
