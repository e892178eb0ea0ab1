"""The Teams activity handler: identifies the sender, keeps conversation references, runs dialogs and card actions."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Awaitable, Callable

from botbuilder.core import ActivityHandler, BotState, InvokeResponse, TurnContext
from botbuilder.dialogs import Dialog, DialogSet, DialogTurnStatus
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

from bot.deadline import turn_deadline
from bot.domain.errors import DomainError
from bot.services.registry import Services
from bot.storage.documents import StoreBusy, StoreTimeout
from bot.storage.schema import DialogStateCorrupt, DocumentCorrupt
from bot.teams.actions import CardActionRouter, message_response
from bot.teams.file_consent import DataExportDelivery
from bot.domain.text import plain
from bot.teams.identity import UnidentifiedActor, actor_from_activity, own_email
from bot.teams.roster_file import offered_file
from cards.enrolment import join_card
from cards.welcome import welcome_card
from dialogs.commands import PRIVATE_COMMANDS, Command, parse_command
from dialogs.help import next_step
from dialogs.turn import ACTOR_KEY, KEEP_SERVICE_URL_KEY, TEAMS_APP_ID_KEY, card_activity, only_in_personal_chat, send_card, stored_reference

log = logging.getLogger(__name__)

WELCOME = ("Hello, I'm Tandem. I help mentoring pairs agree a contract, meet and reflect.\n\n"
           "Your programme manager sees whether you meet, never what you say.")
BUSY = ("Tandem is very busy right now and couldn't finish that. Nothing was changed, and nothing you'd "
        "already saved is lost: please try again in a minute.")
UNSURE = ("Tandem's store didn't answer in time, so I can't tell whether that was saved. Please do the same "
          "again in a minute: if it was saved, nothing happens twice.")
UNREADABLE = ("Part of your Tandem record can't be read, so I couldn't do that. Nothing was changed. I've logged it "
              "for the team that runs Tandem.")
UNIDENTIFIED = "Sorry, I couldn't tell who you are from this chat, so I can't act on it. Please message me from Microsoft Teams."
PERSONAL = "personal"


class TandemBot(ActivityHandler):
    def __init__(self, services: Services, conversation_state: BotState, main_dialog: Dialog,
                 exports: DataExportDelivery | None = None, keep_service_url: bool = True,
                 email_of: Callable[[TurnContext], Awaitable[str]] = own_email, teams_app_id: str = "",
                 turn_budget_seconds: float | None = None):
        """`conversation_state` should be per person per conversation (PrivateConversationState), so
        in a group chat one member's half-finished dialog is never answered by another. `keep_service_url`
        is False in local mode: an unauthenticated activity's serviceUrl is used to reply, never stored."""
        self.services = services
        self.keep_service_url = keep_service_url
        self.conversation_state = conversation_state
        self.main_dialog = main_dialog
        self.dialogs = DialogSet(conversation_state.create_property("DialogState"))
        self.dialogs.add(main_dialog)
        self.exports = exports or DataExportDelivery(services)
        self.actions = CardActionRouter(services, self.start_conversation, self.continue_conversation, self.exports.offer_report)
        self.email_of = email_of  # asked once per person, so invitations sent to their email find them
        self.teams_app_id = teams_app_id  # for the link that adds Tandem (dialogs.turn.app_link)
        self.turn_budget_seconds = turn_budget_seconds  # store and connector calls in a turn share this budget

    async def on_turn(self, turn_context: TurnContext):
        turn_context.turn_state[KEEP_SERVICE_URL_KEY] = self.keep_service_url
        turn_context.turn_state[TEAMS_APP_ID_KEY] = self.teams_app_id
        try:
            with turn_deadline(self.turn_budget_seconds):  # past it the store refuses: "busy", nothing half-done
                await super().on_turn(turn_context)
            await self.conversation_state.save_changes(turn_context)  # the step's own answer stands: keep its dialog
        except StoreBusy as busy:
            # The store stayed throttled after the SDK's retries, or did not answer in time. Each write is
            # one document, so what was written is whole; the dialog step is not saved, so the person
            # simply repeats it (steps are idempotent). Only a timeout leaves us unsure what landed.
            await self._answer(turn_context, UNSURE if isinstance(busy, StoreTimeout) else BUSY, 503)
        except DialogStateCorrupt:
            raise  # the person's dialog itself is broken: the turn error handler starts them afresh
        except DocumentCorrupt as corrupt:
            # A stored record can't be read: trying again can't help, so "busy" would be untrue. Nothing was
            # written (a change that landed and failed after says Unfinished), and the dialog step is not
            # saved, so the person's dialog (a half-drafted contract) is kept for when the record is repaired.
            # The message names the kind, the document and the fields at fault, never their content.
            log.error("a stored %s can't be read, so the turn stopped with nothing changed: %s", corrupt.kind or "record", corrupt)
            await self._answer(turn_context, UNREADABLE, 200)

    @staticmethod
    async def _answer(turn_context: TurnContext, answer: str, status: int) -> None:
        """The turn's last word: in the chat, or for a button press in the invoke response Teams shows by the card."""
        if turn_context.activity.type == ActivityTypes.invoke:
            await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=message_response(answer, status)))
        else:
            await turn_context.send_activity(answer)

    def _identify(self, turn_context: TurnContext) -> bool:
        try:
            turn_context.turn_state[ACTOR_KEY] = actor_from_activity(turn_context.activity, self.keep_service_url)
            return True
        except UnidentifiedActor:
            return False

    async def _remember(self, turn_context: TurnContext, force: bool = False) -> None:
        """They spoke: keep the personal-chat reference needed to message them later, deliver notices
        kept for them, and count their reminders as answered. One read; a write only if needed."""
        actor = turn_context.turn_state[ACTOR_KEY]
        personal = turn_context.activity.conversation.conversation_type in (PERSONAL, None)
        known = None if force else await self.services.ctx.repos.people.find(actor.id)
        reference = stored_reference(turn_context) if personal else {}
        if personal and (known is None or not known.conversation or known.pending_notices
                         or address_moved(known.conversation, reference)):
            first_time = known is None or not known.conversation  # their first chat with Tandem
            if (known is None or not known.email) and not actor.email:  # once: how invitations by email (a roster) find them
                actor = replace(actor, email=await self.email_of(turn_context))
                turn_context.turn_state[ACTOR_KEY] = actor
            person, notices = await self.services.pairs.register(actor, reference)
            for notice in notices:
                await turn_context.send_activity(notice)
            if person.kept_concerns:
                await self.services.safeguarding.deliver_kept(actor)
            if first_time:
                for programme, participant in await self.services.enrolment.invitations(actor):
                    await send_card(turn_context, join_card(programme, participant),
                                    f"You're invited to join {plain(programme.name)} as a {participant.role.value}.")
        elif known is not None and known.unanswered_nudges:
            await self.services.pairs.heard_from(actor)

    # Installation -------------------------------------------------------------------------------
    async def on_installation_update_add(self, turn_context: TurnContext):
        await self._welcome(turn_context)

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context: TurnContext):
        # Teams sends this with installationUpdate on install: remember the chat here, welcome once there.
        if any(m.id == turn_context.activity.recipient.id for m in members_added) and self._identify(turn_context):
            await self._remember(turn_context, force=True)

    async def _welcome(self, turn_context: TurnContext) -> None:
        if not self._identify(turn_context):
            await turn_context.send_activity(WELCOME)
            return
        await self._remember(turn_context, force=True)
        actor = turn_context.turn_state[ACTOR_KEY]
        await turn_context.send_activity(card_activity(welcome_card(await next_step(self.services, actor)), WELCOME))

    # Messages -----------------------------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext):
        activity = turn_context.activity
        personal = activity.conversation.conversation_type in (PERSONAL, None)
        if not personal:
            mentioned = any(
                (m.additional_properties.get("mentioned") or {}).get("id") == activity.recipient.id
                for m in TurnContext.get_mentions(activity)
            )
            if not mentioned:
                return  # in group chats and channels Tandem speaks only when spoken to
            activity.text = TurnContext.remove_recipient_mention(activity)
        if not self._identify(turn_context):
            await turn_context.send_activity(UNIDENTIFIED)
            return
        await self._remember(turn_context)
        dialog_context = await self.dialogs.create_context(turn_context)
        file = offered_file(activity)
        if file is not None:  # a roster file sent to Tandem (in a personal chat: Teams sends files only there)
            await self._roster_file(turn_context, dialog_context, file, personal)
            return
        result = await dialog_context.continue_dialog()
        if result.status != DialogTurnStatus.Empty:
            return
        parsed = parse_command(activity.text)
        if parsed.command.private and not personal:
            await turn_context.send_activity(only_in_personal_chat(activity, PRIVATE_COMMANDS[parsed.command]))
            return
        if parsed.command is Command.EXPORT_MY_DATA:
            await self.exports.offer(turn_context, turn_context.turn_state[ACTOR_KEY])
            return
        if parsed.command is Command.CANCEL:
            await turn_context.send_activity("There's nothing to cancel. Say **help** to see what you can do.")
            return
        await dialog_context.begin_dialog(self.main_dialog.id, {"command": parsed.command.value, "argument": parsed.argument})

    async def _roster_file(self, turn_context: TurnContext, dialog_context, file: dict[str, str], personal: bool) -> None:
        if not personal:
            await turn_context.send_activity(only_in_personal_chat(turn_context.activity, PRIVATE_COMMANDS[Command.ROSTER_FILE]))
        elif dialog_context.active_dialog is not None:
            await turn_context.send_activity("Let's finish what we're doing first (or say **cancel**), then send the file again.")
        else:
            await dialog_context.begin_dialog(self.main_dialog.id, {"command": Command.ROSTER_FILE.value, "argument": "", "file": file})

    async def start_conversation(self, turn_context: TurnContext, options: dict[str, Any]) -> None:
        """Start a dialog from a card button, leaving any half-finished one."""
        dialog_context = await self.dialogs.create_context(turn_context)
        await dialog_context.cancel_all_dialogs()
        await dialog_context.begin_dialog(self.main_dialog.id, {"argument": "", **options})

    async def continue_conversation(self, turn_context: TurnContext) -> None:
        """Hand a card press to the dialog step that is waiting (a choice prompt takes its own cards' presses)."""
        dialog_context = await self.dialogs.create_context(turn_context)
        await dialog_context.continue_dialog()

    # Card actions -------------------------------------------------------------------------------
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        if turn_context.activity.name == "fileConsent/invoke":
            if not self._identify(turn_context):
                return message_response(UNIDENTIFIED, 401)
            return await self.exports.on_consent(turn_context, turn_context.turn_state[ACTOR_KEY])
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        if not self._identify(turn_context):
            return message_response(UNIDENTIFIED, 401)
        await self._remember(turn_context)
        value = turn_context.activity.value
        if not isinstance(value, dict):
            return message_response("That button sent nothing I can use.", 400)
        try:
            return await self.actions.handle(turn_context, turn_context.turn_state[ACTOR_KEY], value)
        except DomainError as refusal:
            return message_response(refusal.message)


def address_moved(stored: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Teams now reaches this personal chat at another service URL (or it is another conversation):
    the stored address is replaced (once, by a conditional write), so proactive messages follow it.
    A reference without a service URL (local mode never keeps one) moves nothing by its absence."""
    now_at, was_at = reference.get("serviceUrl") or "", stored.get("serviceUrl") or ""
    now_id = (reference.get("conversation") or {}).get("id") or ""
    was_id = (stored.get("conversation") or {}).get("id") or ""
    return bool(now_at and now_at != was_at) or bool(now_id and was_id and now_id != was_id)
