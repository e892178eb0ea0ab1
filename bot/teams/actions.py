"""Universal Actions (Action.Execute): one handler per verb, each acting as the activity's sender.

Card data only says WHICH pair, session or version; who acts always comes from the activity, and
each service checks that person may act. The answer replaces the card in place, so its buttons
cannot be pressed twice.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from botbuilder.core import InvokeResponse, TurnContext

from bot.domain.alerts import AlertAction
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.sessions import SessionStatus
from bot.domain.surveys import Wave
from bot.services.context import Actor
from bot.services.sessions import NO_ATTENDEES
from bot.services.registry import Services
from cards import verbs
from cards.adaptive import CONTENT_TYPE, card, done, heading, text
from cards.contract import contract_card
from bot.domain.matching import Method, ProgrammeKind
from bot.domain.enrolment import ProfileAnswers
from bot.domain.hand_matching import NOBODY
from cards.enrolment import SHOWN_CHANGE_ROWS, change_pairs_card, pairs_from_text, join_card, profile_card, proposal_card, ranking_card, reserve_offer_card
from cards.pairing import programme_settings_card
from cards.my_data import erase_answered_card
from cards.reflection import reflection_prompt_card
from cards.session import (
    attendance_card, attendance_note, session_cancelled_card, session_confirmed_card, session_proposal_card,
)
from bot.services.report import FORMATS
from cards.report import report_card
from cards.survey import ACHIEVED, DECISION, NEXT_STEP, REASONS, pair_debrief_done_card, survey_sent_card
from dialogs.choices import pressed
from dialogs.commands import Command
from dialogs.turn import only_in_personal_chat, place_of

log = logging.getLogger(__name__)

Card = dict[str, Any]
StartConversation = Callable[[TurnContext, dict[str, Any]], Awaitable[None]]
ContinueConversation = Callable[[TurnContext], Awaitable[None]]
Handler = Callable[[TurnContext, Actor, dict[str, Any]], Awaitable[Card]]
OfferReport = Callable[[TurnContext, Actor, str, str], Awaitable[None]]  # (context, actor, programme id, format)

MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


def card_response(new_card: Card) -> InvokeResponse:
    """The card that replaces the one whose button was pressed (the adaptiveCard/action response body)."""
    return InvokeResponse(status=200, body={"statusCode": 200, "type": CONTENT_TYPE, "value": new_card})


def message_response(message: str, status: int = 200) -> InvokeResponse:
    """A short message Teams shows beside the card, leaving the card as it was."""
    return InvokeResponse(status=status, body={"statusCode": status, "type": MESSAGE_TYPE, "value": message})


OUT_OF_DATE = "This card is out of date. Say **help** to carry on."
ANSWERED = "That question has already been answered, or has moved on. Answer the latest one, or say **help**."

CONTRACT_PRIVATE = "Your mentoring contract is between you and your partner, so I only deal with it in our personal chat."
# Buttons that show or start something private: pressed on a card in a group chat or channel (forwarded,
# or shared), they are refused with the reason and a link to the personal chat.
PRIVATE_VERBS = {
    verbs.CONTRACT_DRAFT: CONTRACT_PRIVATE, verbs.CONTRACT_ACCEPT: CONTRACT_PRIVATE,
    verbs.CONTRACT_CHANGE: CONTRACT_PRIVATE, verbs.CONTRACT_WITHDRAW: CONTRACT_PRIVATE,
    verbs.REFLECTION_START: "Reflections are private, so I only deal with them in our personal chat.",
    verbs.CONCERN_ACKNOWLEDGE: "Safeguarding concerns are for the lead only, so I only deal with them in your personal chat.",
    verbs.CONCERN_OUTCOME: "Safeguarding concerns are for the lead only, so I only deal with them in your personal chat.",
    verbs.SURVEY_ANSWER: "Survey answers are private, so I only take them in our personal chat.",
    verbs.REPORT_FILE: "I only send the report as a file in your personal chat with me.",
    verbs.DEBRIEF_CLOSE: "Your closing summary is between you and your partner, so I only take it in our personal chat.",
    verbs.PROFILE_SAVE: "Your profile is yours, so I only take it in our personal chat.",
    verbs.RANKING_SAVE: "Whom you'd like to be paired with is private, so I only take it in our personal chat.",
}


def entered(data: dict[str, Any], name: str) -> str:
    """What someone typed or chose in a card's input: always text ("" when left empty or not sent)."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def field(data: dict[str, Any], name: str, kind: type = str) -> Any:
    """A value the card carried, checked; a card from an older version gets a kind message."""
    value = data.get(name)
    if value is None or value == "":
        raise InvalidInput(OUT_OF_DATE)
    try:
        return kind(value)
    except (TypeError, ValueError, OverflowError) as error:  # e.g. a version of 1e999
        raise InvalidInput(OUT_OF_DATE) from error


class CardActionRouter:
    def __init__(self, services: Services, start_conversation: StartConversation,
                 continue_conversation: ContinueConversation, offer_report: OfferReport | None = None):
        self.services = services
        self.offer_report = offer_report
        self.start_conversation = start_conversation
        self.continue_conversation = continue_conversation
        self.handlers: dict[str, Handler] = {
            verbs.CONTRACT_DRAFT: self.draft_contract,
            verbs.CONTRACT_ACCEPT: self.accept_contract,
            verbs.CONTRACT_CHANGE: self.change_contract,
            verbs.CONTRACT_WITHDRAW: self.withdraw_contract,
            verbs.SESSION_PROPOSE: self.propose_session,
            verbs.SESSION_ACCEPT: self.accept_session,
            verbs.SESSION_DECLINE: self.decline_session,
            verbs.SESSION_COUNTER: self.counter_session,
            verbs.SESSION_RESCHEDULE: self.reschedule_session,
            verbs.SESSION_CANCEL: self.cancel_session,
            verbs.SESSION_HAPPENED: self.session_happened,
            verbs.SESSION_MISSED: self.session_missed,
            verbs.REFLECTION_START: self.start_reflection,
            verbs.CHOICE: self.answer_choice,
            verbs.ALERT_ACKNOWLEDGE: self.alert_action(AlertAction.ACKNOWLEDGE),
            verbs.ALERT_SNOOZE: self.alert_action(AlertAction.SNOOZE),
            verbs.ALERT_RESOLVE: self.alert_action(AlertAction.RESOLVE),
            verbs.MY_DATA_ERASE: self.answer_erasure(True),
            verbs.MY_DATA_KEEP: self.answer_erasure(False),
            verbs.ALERT_MESSAGE: self.alert_action(AlertAction.MESSAGE),
            verbs.ALERT_APPROVE_CLOSE: self.alert_action(AlertAction.APPROVE_CLOSE),
            verbs.CONCERN_ACKNOWLEDGE: self.acknowledge_concern,
            verbs.CONCERN_OUTCOME: self.record_concern_outcome,
            verbs.ENROL_JOIN: self.join_programme,
            verbs.ENROL_DECLINE: self.decline_programme,
            verbs.MATCH_PUBLISH: self.publish_matches,
            verbs.PROGRAMME_SAVE: self.save_programme_settings,
            verbs.RESERVE_PAIR: self.pair_reserve,
            verbs.PROFILE_SAVE: self.save_profile,
            verbs.RANKINGS_OPEN: self.open_rankings,
            verbs.RANKING_SAVE: self.save_ranking,
            verbs.MATCH_CHANGE: self.change_pairs,
            verbs.MATCH_CHANGE_SAVE: self.check_changed_pairs,
            verbs.MATCH_DECLINE: self.decline_match,
            verbs.SURVEY_ANSWER: self.answer_survey,
            verbs.DEBRIEF_CLOSE: self.close_pairing,
            verbs.DEBRIEF_DECIDE: self.record_decision,
            verbs.REPORT_FILE: self.send_report_file,
        }

    async def handle(self, context: TurnContext, actor: Actor, value: dict[str, Any]) -> InvokeResponse:
        action = value.get("action") or {}
        if not isinstance(action, dict):
            return message_response("I don't know that button. Say **help** to see what you can do.", 400)
        verb, data = action.get("verb"), action.get("data") or {}
        handler = self.handlers.get(verb) if isinstance(verb, str) else None
        if handler is None or not isinstance(data, dict):
            return message_response("I don't know that button. Say **help** to see what you can do.", 400)
        if verb in PRIVATE_VERBS and not place_of(context.activity).personal:
            return message_response(only_in_personal_chat(context.activity, PRIVATE_VERBS[verb]))
        try:
            return card_response(await handler(context, actor, data))
        except DomainError as refusal:
            return message_response(refusal.message)

    # Contract -----------------------------------------------------------------------------------
    async def draft_contract(self, context, actor, data) -> Card:
        pair_id = field(data, "pairId")
        await self.services.pairs.view(actor, pair_id)
        await self.start_conversation(context, {"command": Command.DRAFT_CONTRACT.value, "pairId": pair_id})
        return card([heading("Drafting your contract"), done("Carry on in the chat below.")])

    async def accept_contract(self, context, actor, data) -> Card:
        pair_id, number = field(data, "pairId"), field(data, "version", int)
        accepted = await self.services.contracts.accept(actor, pair_id, number)
        view = await self.services.pairs.view(actor, pair_id)
        note = "You accepted: the contract is in force." if accepted.status.value == "in force" else "You accepted this version."
        return contract_card(pair_id, accepted, view.names, view.role, note=note, kind=view.programme.kind)

    async def change_contract(self, context, actor, data) -> Card:
        pair_id, number = field(data, "pairId"), field(data, "version", int)
        view, contract = await self.services.contracts.current(actor, pair_id)
        await self.start_conversation(context, {"command": Command.CHANGE_CONTRACT.value, "pairId": pair_id})
        return contract_card(pair_id, contract.version(number), view.names, view.role,
                             note="Propose your changes in the chat below.", kind=view.programme.kind)

    async def withdraw_contract(self, context, actor, data) -> Card:
        pair_id, number = field(data, "pairId"), field(data, "version", int)
        withdrawn = await self.services.contracts.withdraw(actor, pair_id, number)
        view = await self.services.pairs.view(actor, pair_id)
        return contract_card(pair_id, withdrawn, view.names, view.role, note="You withdrew this version.", kind=view.programme.kind)

    # Sessions -----------------------------------------------------------------------------------
    async def propose_session(self, context, actor, data) -> Card:
        pair_id = field(data, "pairId")
        await self.services.pairs.view(actor, pair_id)
        await self.start_conversation(context, {"command": Command.SCHEDULE.value, "pairId": pair_id})
        return card([heading("Book your next session"), done("Choose a time in the chat below.")])

    async def accept_session(self, context, actor, data) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        confirmed = await self.services.sessions.accept(actor, pair_id, session_id)
        view = await self.services.pairs.view(actor, pair_id)
        return session_confirmed_card(pair_id, confirmed, view.names, NO_ATTENDEES)

    async def decline_session(self, context, actor, data) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        declined = await self.services.sessions.decline(actor, pair_id, session_id)
        view = await self.services.pairs.view(actor, pair_id)
        return session_proposal_card(pair_id, declined, view.partner_name, view.role, note="You declined this time.")

    async def counter_session(self, context, actor, data) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        view, schedule = await self.services.sessions.overview(actor, pair_id)
        session = schedule.session(session_id)
        if session.status is not SessionStatus.PROPOSED:
            raise InvalidInput(f"That proposal is already {session.status.value}.")
        await self.start_conversation(context, {"command": Command.SCHEDULE.value, "pairId": pair_id, "answering": session_id})
        return session_proposal_card(pair_id, session, view.partner_name, view.role, note="Suggest another time in the chat below.")

    async def reschedule_session(self, context, actor, data) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        view, schedule = await self.services.sessions.overview(actor, pair_id)
        session = schedule.session(session_id)
        if session.status is SessionStatus.CANCELLED:  # a card from before the cancellation: say so, drop its buttons
            return session_cancelled_card(session, "This session was cancelled. Say **schedule** to propose a new time.")
        await self.start_conversation(context, {"command": Command.SCHEDULE.value, "pairId": pair_id, "moving": session_id})
        return session_confirmed_card(pair_id, session, view.names, NO_ATTENDEES,
                                      note="Propose the new time below; this booking stands until your partner accepts.")

    async def cancel_session(self, context, actor, data) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        _, schedule = await self.services.sessions.overview(actor, pair_id)
        if schedule.session(session_id).status is SessionStatus.CANCELLED:
            return session_cancelled_card(schedule.session(session_id), "This session was already cancelled. "
                                          "Say **schedule** to propose a new time.")
        cancelled = await self.services.sessions.cancel(actor, pair_id, session_id)
        return session_cancelled_card(cancelled, "You cancelled this session; I've told your partner.")

    async def _attendance(self, actor: Actor, data: dict[str, Any], happened: bool) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        session = await self.services.sessions.record_attendance(actor, pair_id, session_id, happened)
        view = await self.services.pairs.view(actor, pair_id)
        return attendance_card(pair_id, session, view.partner_name, note=attendance_note(session, view.partner_name))

    async def session_happened(self, context, actor, data) -> Card:
        return await self._attendance(actor, data, True)

    async def session_missed(self, context, actor, data) -> Card:
        return await self._attendance(actor, data, False)

    # Reflections --------------------------------------------------------------------------------
    def answer_erasure(self, erase: bool) -> Handler:
        """The card's buttons answer the same question the typed yes/no does, in the same dialog."""
        async def handle(context: TurnContext, actor: Actor, data: dict[str, Any]) -> Card:
            await self.start_conversation(context, {"command": Command.DELETE_MY_DATA.value, "confirmed": erase})
            return erase_answered_card(erase)

        return handle

    async def start_reflection(self, context, actor, data) -> Card:
        pair_id, session_id = field(data, "pairId"), field(data, "sessionId")
        session = await self.services.sessions.session(actor, pair_id, session_id)  # a late one too, long settled
        await self.start_conversation(context, {"command": Command.REFLECT.value, "pairId": pair_id, "sessionId": session_id})
        return reflection_prompt_card(pair_id, session, note="Write it in the chat below: it stays private to you.")

    # Choice prompts -----------------------------------------------------------------------------
    async def answer_choice(self, context, actor, data) -> Card:
        """A button on a choice prompt's card: the waiting prompt takes it if the card is its own."""
        field(data, "token")
        await self.continue_conversation(context)
        shown = pressed(context)
        if shown is None:
            raise InvalidInput(ANSWERED)
        return shown

    # Manager alerts -----------------------------------------------------------------------------
    def alert_action(self, action: AlertAction) -> Handler:
        async def handle(context: TurnContext, actor: Actor, data: dict[str, Any]) -> Card:
            note = data.get("note") if isinstance(data.get("note"), str) else ""
            _, card = await self.services.alerts.act(actor, field(data, "programmeId"), field(data, "alertId"), action, note,
                                                     place_of(context.activity))
            return card

        return handle

    # Enrolment and matching ---------------------------------------------------------------------
    async def join_programme(self, context, actor, data) -> Card:
        """Joined: the card turns into their profile, to fill in now (or later with **my profile**)."""
        programme_id = field(data, "programmeId")
        joined = await self.services.enrolment.join(actor, programme_id)
        programme, participant, others = await self.services.enrolment.profile(actor, programme_id)
        return profile_card(programme, participant, others,
                            lead=f"You joined as a {joined.role.value}. I'll tell you when you're matched. "
                                 "Now tell us a little about yourself.")

    async def save_profile(self, context, actor, data) -> Card:
        programme_id = field(data, "programmeId")
        programme, participant, others = await self.services.enrolment.profile(actor, programme_id)
        if programme.focus_areas:  # the multi-select sends positions, comma-separated
            picked = [v.strip() for v in entered(data, "focusAreas").split(",") if v.strip()]
            focus = tuple(programme.focus_areas[int(v)] if v.isdigit() and int(v) < len(programme.focus_areas) else v
                          for v in picked)
        else:
            focus = tuple(v.strip() for v in entered(data, "focusAreas").split(";") if v.strip())
        organisation = entered(data, "organisation")
        if programme.organisations and organisation.isdigit() and int(organisation) < len(programme.organisations):
            organisation = programme.organisations[int(organisation)]  # the choice list sends positions
        answers = ProfileAnswers(entered(data, "jobTitle"), organisation, focus, entered(data, "wants"),
                                 entered(data, "capacity") or "1", entered(data, "availability"),
                                 tuple(v.strip() for v in entered(data, "exclude").split(",") if v.strip()))
        try:
            saved = await self.services.enrolment.save_profile(actor, programme_id, place_of(context.activity), answers)
        except InvalidInput as problem:  # their card back as they filled it, with what to change
            return profile_card(programme, participant, others, entered=answers, problem=problem.message)
        return profile_card(programme, saved, others, note="Saved your profile.")

    async def open_rankings(self, context, actor, data) -> Card:
        programme_id = field(data, "programmeId")
        sent = await self.services.enrolment.open_rankings(actor, programme_id)
        programme = await self.services.ctx.repos.programmes.get(programme_id)
        if not sent:
            return card([heading(f"Rankings for {programme.name}"),
                         done("Nobody is waiting to choose yet: rankings go to mentees and mentors who joined and aren't paired.")])
        return card([heading(f"Rankings for {programme.name}"),
                     done(f"Sent {sent} people a card to choose whom they'd like to be paired with."),
                     text("When they've chosen, say **match stable** to see the pairs.", subtle=True, markdown=True)])

    async def save_ranking(self, context, actor, data) -> Card:
        programme_id = field(data, "programmeId")
        programme, participant, others = await self.services.enrolment.choices(actor, programme_id)
        chosen = [entered(data, f"choice{n}") for n in range(1, 6)]
        try:
            saved = await self.services.enrolment.save_ranking(actor, programme_id, place_of(context.activity), chosen)
        except InvalidInput as problem:
            return ranking_card(programme, participant, others, chosen=chosen, problem=problem.message)
        return ranking_card(programme, saved, others, note="Saved your choices. You can change them until your manager matches people.")

    async def change_pairs(self, context, actor, data) -> Card:
        """The proposal card's Change pairs: every waiting mentee with the mentors allowed, prefilled."""
        programme_id = field(data, "programmeId")
        try:
            method = Method(data["method"]) if data.get("method") else None
        except ValueError as error:
            raise InvalidInput(OUT_OF_DATE) from error
        try:
            chosen = {mentee: mentor for mentor, mentee in pairs_from_text(data.get("chosen", ""))}
        except ValueError as error:
            raise InvalidInput(OUT_OF_DATE) from error
        programme = await self.services.ctx.repos.programmes.get(programme_id)
        form = await self.services.enrolment.change_form(actor, programme_id, method, ProgrammeKind(programme.kind),
                                                         chosen)
        return change_pairs_card(form.programme, form.rows, form.names, form.capacity)

    async def check_changed_pairs(self, context, actor, data) -> Card:
        """The change-pairs card sent: checked, then shown as a proposal with its own Publish button."""
        programme_id = field(data, "programmeId")
        rows = [r for r in field(data, "rows").split(";") if r]
        if len(rows) > SHOWN_CHANGE_ROWS:
            raise InvalidInput(OUT_OF_DATE)
        chosen = {mentee: entered(data, f"mentor{n}") or NOBODY for n, mentee in enumerate(rows)}
        insisted = [mentee for n, mentee in enumerate(rows) if entered(data, f"insist{n}") == "true"]
        programme = await self.services.ctx.repos.programmes.get(programme_id)
        kind = ProgrammeKind(programme.kind)
        try:
            p = await self.services.enrolment.change_proposal(actor, programme_id, chosen, insisted, kind)
        except InvalidInput as problem:
            form = await self.services.enrolment.change_form(actor, programme_id, None, kind, chosen)
            return change_pairs_card(form.programme, form.rows, form.names, form.capacity, problem=problem.message)
        return proposal_card(p.programme, None, p.result, p.names, p.digest, warning=p.warning, insisted=p.insisted)

    async def decline_programme(self, context, actor, data) -> Card:
        programme_id = field(data, "programmeId")
        left = await self.services.enrolment.leave(actor, programme_id)
        programme = await self.services.ctx.repos.programmes.get(programme_id)
        return join_card(programme, left, note="No problem: you haven't joined, and nobody will pair you.")

    async def publish_matches(self, context, actor, data) -> Card:
        programme_id, digest = field(data, "programmeId"), field(data, "digest")
        if "pairs" in data:
            return await self._publish_chosen(actor, programme_id, digest, data)
        try:
            method = Method(field(data, "method"))
        except ValueError as error:
            raise InvalidInput(OUT_OF_DATE) from error
        programme = await self.services.ctx.repos.programmes.get(programme_id)
        kind = ProgrammeKind(programme.kind)
        proposal = await self.services.enrolment.proposal(actor, programme_id, method, kind)
        published = await self.services.enrolment.publish(actor, programme_id, method, digest, kind)
        return proposal_card(proposal.programme, method, proposal.result, proposal.names, proposal.digest,
                             note=_published_note(published))

    async def _publish_chosen(self, actor: Actor, programme_id: str, digest: str, data: dict[str, Any]) -> Card:
        """Publish pairs the manager chose (their change-pairs card): the pairs travel with the button."""
        try:
            pairs = pairs_from_text(data.get("pairs"))
        except ValueError as error:
            raise InvalidInput(OUT_OF_DATE) from error
        insisted = [e for e in (data.get("insisted") if isinstance(data.get("insisted"), str) else "").split(";") if e]
        if len(pairs) > SHOWN_CHANGE_ROWS:
            raise InvalidInput(OUT_OF_DATE)
        chosen = {mentee: mentor for mentor, mentee in pairs}
        programme = await self.services.ctx.repos.programmes.get(programme_id)
        kind = ProgrammeKind(programme.kind)
        proposal, published = await self.services.enrolment.publish_chosen(actor, programme_id, chosen, insisted, digest, kind)
        return proposal_card(proposal.programme, None, proposal.result, proposal.names, proposal.digest,
                             note=_published_note(published))

    async def decline_match(self, context, actor, data) -> Card:
        await self.services.pairs.decline_match(actor, field(data, "pairId"))
        return card([heading("You asked for a different match"),
                     done("Your programme manager will suggest someone else. Nobody is to blame.")])

    async def pair_reserve(self, context, actor, data) -> Card:
        programme_id, reserve_email, mentee_email = field(data, "programmeId"), field(data, "reserve"), field(data, "mentee")
        await self.services.enrolment.pair_reserve(actor, programme_id, reserve_email, mentee_email)
        repos = self.services.ctx.repos
        reserve = await repos.participants.find(programme_id, reserve_email)
        mentee = await repos.participants.find(programme_id, mentee_email)
        return reserve_offer_card(await repos.programmes.get(programme_id), reserve, mentee, (),
                                  note="Paired. I've told them both who their partner is.")

    async def save_programme_settings(self, context, actor, data) -> Card:
        def entered(name: str) -> str:
            value = data.get(name)
            return value if isinstance(value, str) else ""

        updated = await self.services.programmes.change_settings(
            actor, field(data, "programmeId"), entered("kind"), entered("matching"), entered("focusAreas"),
            entered("organisations"), entered("cadence"),
            entered("otherTenants") if "otherTenants" in data else None,  # a card from before the allow-list leaves it be
            entered("guests") == "true" if "guests" in data else None)
        return programme_settings_card(updated, note="Saved.")

    # Safeguarding -------------------------------------------------------------------------------
    async def acknowledge_concern(self, context, actor, data) -> Card:
        _, card = await self.services.safeguarding.acknowledge(actor, field(data, "programmeId"), field(data, "concernId"))
        return card

    async def record_concern_outcome(self, context, actor, data) -> Card:
        note = data.get("note") if isinstance(data.get("note"), str) else ""
        _, card = await self.services.safeguarding.record_outcome(actor, field(data, "programmeId"), field(data, "concernId"), note)
        return card

    # Surveys and the debrief --------------------------------------------------------------------
    async def answer_survey(self, context, actor, data) -> Card:
        """The card's inputs arrive with its data; a card naming a wave Tandem no longer has is out of date."""
        pair_id = field(data, "pairId")
        try:
            wave = Wave(field(data, "wave"))
        except ValueError as error:
            raise InvalidInput(OUT_OF_DATE) from error
        _, replaced = await self.services.surveys.answer(actor, pair_id, wave, data)
        return survey_sent_card(wave, replaced)

    async def close_pairing(self, context, actor, data) -> Card:
        debrief = await self.services.surveys.close_pairing(actor, field(data, "pairId"), data.get(ACHIEVED, ""), data.get(NEXT_STEP, ""))
        return pair_debrief_done_card(debrief.next_step)

    async def record_decision(self, context, actor, data) -> Card:
        programme_id = field(data, "programmeId")
        await self.services.surveys.record_decision(actor, programme_id, data.get(DECISION, ""), data.get(REASONS, ""))
        return await self.services.surveys.debrief(actor, programme_id)

    # The report as a file -----------------------------------------------------------------------
    async def send_report_file(self, context, actor, data) -> Card:
        """Offer the report as a CSV or HTML file (file consent); the report card stays as it was."""
        programme_id, fmt = field(data, "programmeId"), field(data, "format")
        if fmt not in FORMATS or self.offer_report is None:
            raise InvalidInput(OUT_OF_DATE)
        report = await self.services.report.programme_report(actor, programme_id)
        await self.offer_report(context, actor, programme_id, fmt)
        return report_card(report, file_buttons=True)


def _published_note(published) -> str:
    note = f"Published {len(published.paired)} pairs; each person has been told who their partner is."
    if published.not_paired:
        note += " Not paired: " + "; ".join(f"{who_} ({why})" for who_, why in published.not_paired)
    return note
