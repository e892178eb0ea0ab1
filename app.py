"""Tandem's composition root: builds the store, services, adapter, bot and web app from one Settings."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import time, timedelta
from typing import AsyncIterator

from aiohttp import web
from botbuilder.core import PrivateConversationState, TurnContext
from botbuilder.core.serializer_helper import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from msrest.serialization import Model

from bot.clock import Clock, ShiftedClock, SystemClock
from bot.demo import seed_demo
from bot.scheduler import start_ticking
from bot.services.context import Repositories, ServiceContext
from bot.domain.nudges import QuietHours
from bot.services.nudges import NudgePolicy
from bot.services.registry import Services
from bot.settings import AuthMode, Settings, SettingsError
from bot.storage.bot_state import DocumentBotStorage
from bot.storage.documents import DocumentStore
from bot.storage.engines import open_store
from bot.storage.metered import MeteredStore
from bot.teams.handler import TandemBot
from bot.teams.identity import mentioned_people
from bot.teams.messenger import TeamsMessenger
from bot.teams.metering import RoundTripMiddleware
from dialogs.main_dialog import MainDialog

log = logging.getLogger("tandem")

SORRY = "Sorry, something went wrong on my side. What you'd already saved is safe; please try that again."


@dataclass
class Tandem:
    """Everything one running bot holds, built once and closed on shutdown."""

    settings: Settings
    store: DocumentStore
    services: Services
    adapter: CloudAdapter
    bot: TandemBot


SETTINGS = web.AppKey("settings", Settings)
TANDEM = web.AppKey("tandem", Tandem)


def nudge_policy(settings: Settings) -> NudgePolicy:
    window = settings.quiet_window()
    quiet = QuietHours(window[0], window[1], settings.weekends_off) if window else QuietHours(time(0, 0), time(0, 0), settings.weekends_off)
    return NudgePolicy(quiet=quiet, reminders_before=tuple(timedelta(minutes=m) for m in settings.reminders_before_minutes))


async def build(settings: Settings, store: DocumentStore, clock: Clock) -> Tandem:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(settings.bot_credentials()))
    adapter.use(RoundTripMiddleware())
    ctx = ServiceContext(Repositories.over(store), TeamsMessenger(adapter, settings.app_id), clock)
    services = Services.build(ctx, nudge_policy(settings))
    conversation_state = PrivateConversationState(DocumentBotStorage(store))
    bot = TandemBot(services, conversation_state, MainDialog(services, mentioned_people))

    async def on_error(context: TurnContext, error: Exception) -> None:
        log.exception("turn failed", exc_info=error)
        await context.send_activity(SORRY)
        # A broken dialog state must not trap the person: start their conversation afresh.
        await conversation_state.delete(context)

    adapter.on_turn_error = on_error
    if settings.demo:
        await seed_demo(services)
    return Tandem(settings, store, services, adapter, bot)


async def messages(request: web.Request) -> web.StreamResponse:
    tandem = request.app[TANDEM]
    if tandem.settings.auth_mode is AuthMode.BOT_FRAMEWORK and not tandem.settings.credentials_configured:
        # Without credentials the SDK would skip authentication; Tandem refuses instead.
        return web.json_response(
            {"error": "Tandem has no MicrosoftAppId, so it cannot authenticate requests. Configure the bot's "
                      "credentials, or run locally with --local."}, status=401)
    if "application/json" not in request.headers.get("Content-Type", ""):
        return web.json_response({"error": "Send the activity as application/json."}, status=415)
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return web.json_response({"error": "The request body is not valid JSON."}, status=400)
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return web.json_response({"error": "The request body must be a Bot Framework activity with a type."}, status=400)
    activity = Activity().deserialize(body)
    try:
        invoke_response = await tandem.adapter.process_activity(
            request.headers.get("Authorization", ""), activity, tandem.bot.on_turn)
    except PermissionError:
        return web.json_response({"error": "Not authorised."}, status=401)
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
    app = web.Application(client_max_size=256 * 1024)
    app[SETTINGS] = settings

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        store = MeteredStore(await open_store(settings))
        try:
            tandem = app[TANDEM] = await build(settings, store, clock or default_clock(settings))
            scheduler = start_ticking(tandem.services.due_work, settings.sweep_seconds)
            try:
                yield
            finally:
                scheduler.shutdown(wait=False)
        finally:
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
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line a minute for every tick; warnings still show
    if settings.auth_mode is AuthMode.LOCAL:
        log.warning("LOCAL MODE: inbound requests are NOT authenticated. Listening on %s only.", settings.host)
    elif not settings.credentials_configured:
        log.warning("No MicrosoftAppId set: /api/messages will refuse every request. Use --local for the Agents Playground.")
    log.info("Tandem listening on http://%s:%s/api/messages (store: %s)", settings.host, settings.port, settings.store_description)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
