"""Tandem's composition root: builds the store, services, adapter, bot and web app from one Settings."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from dataclasses import dataclass
from datetime import time, timedelta
from typing import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web
from botbuilder.core import BotState, PrivateConversationState, TurnContext
from botbuilder.core.serializer_helper import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import AuthenticateRequestResult
from msrest.exceptions import ClientRequestError, DeserializationError, HttpOperationError
from msrest.serialization import Model

from bot.clock import Clock, ShiftedClock, SystemClock
from bot.demo import DEMO_ADMINISTRATOR, seed_demo
from bot.graph import GraphAdminGroup, GraphClient, graph_calendar, graph_client
from bot.log_hygiene import install_redaction
from bot.scheduler import start_ticking
from bot.services.authority import AdminDirectory, AnyAdminDirectory, ListedAdmins
from bot.services.calendar import Calendar, NoCalendar
from bot.services.context import Repositories, ServiceContext
from bot.domain.nudges import QuietHours
from bot.services.nudges import NudgePolicy
from bot.services.registry import Services
from bot.settings import AuthMode, Settings, SettingsError
from bot.storage.bot_state import DocumentBotStorage
from bot.storage.documents import DocumentStore
from bot.storage.budgeted import BudgetedStore
from bot.storage.engines import open_store
from bot.storage.metered import MeteredStore
from bot.teams.actions import message_response
from bot.teams.activity_body import MAX_BODY_BYTES, MalformedActivity, check_activity, parse_body
from bot.teams.delivery import status_of
from bot.storage.retention_ttl import RetentionTtlStore
from bot.teams.file_consent import DataExportDelivery
from bot.teams.handler import TandemBot
from bot.teams.identity import mentioned_people
from bot.teams.members import member_pages
from bot.teams.roster_file import RosterFiles
from bot.teams.inbound_auth import (
    InboundAuthConfig, InboundAuthenticator, KeysUnavailable, RequestRefused, Unauthenticated,
    authenticated_request, bearer_token,
)
from bot.teams.messenger import TeamsMessenger
from bot.teams.metering import RoundTripMiddleware
from bot.teams.outbound_token import ClientSecretCredentialsFactory, OutboundTokenUnavailable
from bot.teams.replies import REPLY_BUDGET_KEY, ReplyBudget, ReplyingAdapter
from dialogs.main_dialog import MainDialog

log = logging.getLogger("tandem")

SORRY = "Sorry, something went wrong on my side. What you'd already saved is safe; please try that again."
REPLY_FAILED = ("Sorry, Teams didn't take my reply just now, so you may have missed some of it. What you'd "
                "already saved is safe: please say that again in a minute.")
# A reply that Teams refused or never took: the dialog is fine, the delivery was not.
REPLY_FAILURES = (HttpOperationError, ClientRequestError, aiohttp.ClientError, asyncio.TimeoutError)


@dataclass
class Tandem:
    """Everything one running bot holds, built once and closed on shutdown."""

    settings: Settings
    store: DocumentStore
    services: Services
    adapter: CloudAdapter
    bot: TandemBot
    authentication: ConfigurationBotFrameworkAuthentication
    authenticator: InboundAuthenticator | None  # None in local mode only


SETTINGS = web.AppKey("settings", Settings)
TANDEM = web.AppKey("tandem", Tandem)


def nudge_policy(settings: Settings) -> NudgePolicy:
    window = settings.quiet_window()
    quiet = QuietHours(window[0], window[1], settings.weekends_off) if window else QuietHours(time(0, 0), time(0, 0), settings.weekends_off)
    return NudgePolicy(quiet=quiet, reminders_before=tuple(timedelta(minutes=m) for m in settings.reminders_before_minutes))


def inbound_authenticator(settings: Settings, http: aiohttp.ClientSession) -> InboundAuthenticator | None:
    if not settings.authenticated:
        return None
    return InboundAuthenticator(InboundAuthConfig(
        app_id=settings.app_id, channel_metadata_url=settings.channel_openid_metadata_url,
        emulator_metadata_url=settings.emulator_openid_metadata_url, channel_issuer=settings.channel_token_issuer,
        allow_emulator=settings.allow_emulator, allowed_tenants=settings.allowed_tenants,
        unknown_kid_refetch_seconds=settings.unknown_key_refetch_seconds), lambda: http)


def bot_authentication(settings: Settings, http: aiohttp.ClientSession) -> ConfigurationBotFrameworkAuthentication:
    """The SDK's outbound side, on this cloud's endpoints; a client secret's tokens come without blocking."""
    credentials = settings.bot_credentials()
    if settings.authenticated and settings.app_type.lower() != "userassignedmsi":
        factory = ClientSecretCredentialsFactory(settings.app_id, settings.app_password, lambda: http)
        return ConfigurationBotFrameworkAuthentication(credentials, credentials_factory=factory)
    return ConfigurationBotFrameworkAuthentication(credentials)


async def build(settings: Settings, store: DocumentStore, clock: Clock, http: aiohttp.ClientSession,
                calendar: Calendar | None = None, admins: AdminDirectory | None = None) -> Tandem:
    authentication = bot_authentication(settings, http)
    adapter = ReplyingAdapter(authentication)
    adapter.use(RoundTripMiddleware())
    # Writes of a programme's records carry a Cosmos DB TTL as the retention backstop.
    messenger = TeamsMessenger(adapter, settings.app_id, service_url=local_service_url(settings))
    store = BudgetedStore(store)  # inside a turn, every store call ends within the turn's budget
    ctx = ServiceContext(Repositories.over(RetentionTtlStore(store, clock)), messenger, clock,
                         retention_months=settings.retention_months, admins=admins or admin_directory(settings))
    services = Services.build(ctx, nudge_policy(settings), calendar or NoCalendar())
    conversation_state = PrivateConversationState(DocumentBotStorage(store))
    # Local mode (the Agents Playground) cannot take files: exports go to the local data folder.
    exports = DataExportDelivery(services, settings.data_path.parent / "exports" if settings.auth_mode is AuthMode.LOCAL else None)
    # Roster files are fetched over https only; local mode (and its tests) may also fetch from 127.0.0.1.
    roster_files = RosterFiles(allow_loopback=settings.auth_mode is AuthMode.LOCAL)
    main_dialog = MainDialog(services, mentioned_people, member_pages, roster_files.download)
    # An unauthenticated (local) activity's serviceUrl answers that activity, and is never kept for later.
    bot = TandemBot(services, conversation_state, main_dialog, exports, keep_service_url=settings.authenticated,
                    teams_app_id=settings.teams_app_id, turn_budget_seconds=settings.turn_budget_seconds)

    adapter.on_turn_error = turn_error_handler(conversation_state)
    if settings.demo:
        await seed_demo(services)
    return Tandem(settings, store, services, adapter, bot, authentication, inbound_authenticator(settings, http))


def turn_error_handler(conversation_state: BotState) -> Callable[[TurnContext, Exception], Awaitable[None]]:
    async def on_error(context: TurnContext, error: Exception) -> None:
        if isinstance(error, REPLY_FAILURES):
            # Teams did not take a reply: say so if it will listen, and keep the person's dialog as it was.
            log.warning("reply in conversation %s failed: %s %s", conversation_of(context), type(error).__name__,
                        status_of(error) or "")
            await tell(context, REPLY_FAILED)
            return
        log.exception("turn failed", exc_info=error)
        await tell(context, SORRY)
        # A broken dialog state must not trap the person: start their conversation afresh.
        await conversation_state.delete(context)

    return on_error


def conversation_of(context: TurnContext) -> str:
    return str(getattr(context.activity.conversation, "id", ""))[:80]


async def tell(context: TurnContext, text: str) -> None:
    """A last word to the person in a failed turn; if Teams will not take it either, a one-line warning."""
    try:
        if context.activity.type == ActivityTypes.invoke and not context.turn_state.get(CloudAdapter._INVOKE_RESPONSE_KEY):
            # A button press answers in the HTTP response itself (Teams shows it by the card), not in the chat.
            await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=message_response(text)))
        else:
            await context.send_activity(text)
    except REPLY_FAILURES as error:
        log.warning("could not tell conversation %s what happened: %s %s", conversation_of(context),
                    type(error).__name__, status_of(error) or "")


def refusal(status: int, message: str, retry_after: int | None = None) -> web.Response:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return web.json_response({"error": message}, status=status, headers=headers)


def admin_directory(settings: Settings, graph: GraphClient | None = None) -> AdminDirectory:
    """TANDEM_ADMINS (and the demo administrator in demo mode), and the members of TANDEM_ADMIN_GROUP
    looked up through Microsoft Graph when it is configured."""
    listed: list[AdminDirectory] = [ListedAdmins(settings.admins + ((DEMO_ADMINISTRATOR,) if settings.demo else ()))]
    if settings.admin_group and graph is not None:
        listed.append(GraphAdminGroup(graph, settings.admin_group))
    elif settings.admin_group:
        log.warning("TANDEM_ADMIN_GROUP is set but Microsoft Graph is not configured: only TANDEM_ADMINS count.")
    return AnyAdminDirectory(*listed)


def local_service_url(settings: Settings) -> str:
    if settings.auth_mode is AuthMode.LOCAL and not settings.local_service_url:
        log.warning("Local mode without TANDEM_LOCAL_SERVICE_URL: replies work, proactive messages cannot be sent.")
    return settings.local_service_url if settings.auth_mode is AuthMode.LOCAL else ""


async def messages(request: web.Request) -> web.StreamResponse:
    """Refuse what is unauthenticated or malformed before any of it becomes SDK objects, then run the turn."""
    tandem = request.app[TANDEM]
    settings = tandem.settings
    if settings.auth_mode is AuthMode.BOT_FRAMEWORK and not settings.credentials_configured:
        # Without credentials the SDK would skip authentication; Tandem refuses instead.
        return refusal(401, "Tandem has no MicrosoftAppId, so it cannot authenticate requests. Configure the "
                            "bot's credentials, or run locally with --local.")
    authorization = request.headers.get("Authorization", "")
    if tandem.authenticator is not None:
        try:
            bearer_token(authorization)  # no token at all: refuse before reading the body
        except Unauthenticated as refused:
            log.warning("refused inbound request: %s", refused.reason)
            return refusal(refused.status, refused.public)
    if "application/json" not in request.headers.get("Content-Type", ""):
        return refusal(415, "Send the activity as application/json.")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return refusal(413, f"The activity is larger than {MAX_BODY_BYTES // 1024} KiB.")
    try:
        body = parse_body(raw)
        check_activity(body)
    except MalformedActivity as bad:
        return refusal(400, str(bad))
    auth: str | AuthenticateRequestResult = authorization
    if tandem.authenticator is not None:
        try:
            who = await tandem.authenticator.authenticate(authorization, body)
        except RequestRefused as refused:
            log.warning("refused inbound request: %s", refused.reason)
            retry_after = refused.retry_after_seconds if isinstance(refused, KeysUnavailable) else None
            return refusal(refused.status, refused.public, retry_after)
        auth = authenticated_request(who, tandem.authentication, settings.oauth_scope, settings.caller_id)
    try:
        activity = Activity().deserialize(body)
    except DeserializationError:
        return refusal(400, "The request body is not a Bot Framework activity Tandem can read.")

    async def turn(context: TurnContext) -> None:
        context.turn_state[REPLY_BUDGET_KEY] = ReplyBudget(settings.reply_budget_seconds)
        await tandem.bot.on_turn(context)

    try:
        invoke_response = await tandem.adapter.process_activity(auth, activity, turn)
    except PermissionError:
        return refusal(401, "Not authorised.")
    except OutboundTokenUnavailable as unavailable:
        log.warning("turn not run: no token to reply with: %s", unavailable)
        return refusal(503, "Tandem cannot reach the Bot Framework login service; try again shortly.", 30)
    if invoke_response is None:
        return web.Response(status=201)
    # Written here rather than by CloudAdapter.process, which serializes an already-serialized
    # invoke body a second time and answers HTTP 500 (botbuilder 4.17.1).
    return web.json_response(as_json(invoke_response.body), status=invoke_response.status)


def as_json(body: object) -> object:
    return serializer_helper(body) if isinstance(body, Model) else body


async def healthz(request: web.Request) -> web.Response:
    settings = request.app[TANDEM].settings
    return web.json_response({"status": "ok", "auth": settings.auth_mode.value,
                              "store": "cosmos" if settings.cosmos_endpoint else "sqlite"})


def default_clock(settings: Settings) -> Clock:
    if settings.clock_offset_minutes:
        log.warning("Clock shifted by %s minutes (local rehearsal).", settings.clock_offset_minutes)
        return ShiftedClock(timedelta(minutes=settings.clock_offset_minutes))
    return SystemClock()


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        store = MeteredStore(await open_store(settings))
        # Signing keys, outbound tokens and Graph calls go over this session: never blocking the event loop.
        http = aiohttp.ClientSession()
        try:
            graph = graph_client(settings.graph, http) if settings.graph.enabled else None
            calendar = graph_calendar(settings.graph, http, client=graph) if graph else NoCalendar()
            tandem = app[TANDEM] = await build(settings, store, clock or default_clock(settings), http, calendar,
                                               admin_directory(settings, graph))
            scheduler = start_ticking(tandem.services.due_work, settings.sweep_seconds)
            try:
                yield
            finally:
                scheduler.shutdown(wait=False)
        finally:
            await http.close()
            await store.close()

    app.cleanup_ctx.append(lifecycle)
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the Tandem mentoring bot.")
    parser.add_argument("--local", action="store_true",
                        help="run WITHOUT inbound authentication, on loopback only (for the Agents Playground)")
    parser.add_argument("--demo", action="store_true", help="seed a demo programme with people already paired")
    parser.add_argument("--port", type=int, help="port to listen on (default: PORT or 3978)")
    parser.add_argument("--data", help="path of the embedded database file (default: data/tandem.sqlite3)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env(os.environ, local=args.local or None, demo=args.demo or None,
                                     port=args.port, data_path=args.data)
    except SettingsError as problem:
        print(f"Tandem can't start: {problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_redaction()  # no token or Authorization header reaches the log, whoever logs it
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("azure").setLevel(logging.WARNING)  # the Cosmos SDK logs every request's headers at INFO  # not a line a minute for every tick; warnings still show
    if settings.auth_mode is AuthMode.LOCAL:
        log.warning("LOCAL MODE: inbound requests are NOT authenticated. Listening on %s only.", settings.host)
    elif not settings.credentials_configured:
        log.warning("No MicrosoftAppId set: /api/messages will refuse every request. Use --local for the Agents Playground.")
    log.info("Tandem listening on http://%s:%s/api/messages (store: %s; calendar: %s)", settings.host, settings.port,
             settings.store_description, settings.graph.description)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
