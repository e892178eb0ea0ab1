"""Logs never hold reflection text, contract text, tokens or Authorization headers.

A whole pair's journey runs through the real bot (dialogs, card presses, sweeps, export, erasure)
with every logger at DEBUG, including botbuilder's, aiohttp's and azure's; then no marker a person
wrote appears in any log record. An inbound request with a bearer token through the real web app
leaves no token in the log, and the redaction filter installed at the composition root rewrites
whatever a library might print."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer

from app import create_app
from bot.domain.uktime import to_uk
from bot.log_hygiene import RedactSecrets, install_redaction
from bot.settings import AuthMode, Settings
from cards import verbs
from tests.dialogs.harness import World, press, text_of, user
from tests.support.connector import FaultyConnector

MANAGER, MENTOR, MENTEE = user("Manager"), user("Megan"), user("Adele")
GOAL, BOUNDARY = "GOAL-MARKER-3c9e1", "BOUNDARY-MARKER-77af0"
DISCUSSED, LEARNED, NEXT = "REFLECTION-MARKER-a1", "REFLECTION-MARKER-b2", "REFLECTION-MARKER-c3"
HELP = "HELP-MARKER-d4"
MARKERS = (GOAL, BOUNDARY, DISCUSSED, LEARNED, NEXT, HELP)
NOISY_LOGGERS = ("", "botbuilder", "aiohttp", "aiohttp.access", "aiohttp.client", "aiohttp.server", "azure", "msrest",
                 "urllib3", "aiosqlite", "tandem", "bot", "dialogs", "apscheduler")


def capture_everything(caplog) -> None:
    for name in NOISY_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)


def everything_logged(caplog) -> str:
    """Formatted text, raw messages and arguments, and tracebacks: whatever a handler could write."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), repr(record.args), record.exc_text or ""]
    return "\n".join(parts)


async def test_a_whole_journey_at_debug_logs_no_contract_or_reflection_text(world: World, caplog):
    capture_everything(caplog)
    pair_id = await world.pair(MANAGER, MENTOR, MENTEE)
    await world.services.pairs.register(MANAGER, {"conversation": {"id": "conv-manager"}})
    mentee, mentor = world.chat(MENTEE), world.chat(MENTOR)

    # The contract, drafted in chat with a marker in a goal and in the boundaries, accepted by card.
    await mentee.say("contract")
    await mentee.say(f"{GOAL}\nSpeak up in senior meetings")
    await mentee.say("monthly")
    await mentee.say("60")
    await mentee.say("Teams call")
    await mentee.say("default")
    assert GOAL in text_of(await mentee.say(BOUNDARY))
    await mentee.say("Send it")
    status, _, _ = await press(mentor, verbs.CONTRACT_ACCEPT, {"pairId": pair_id, "version": 1})
    assert status == 200
    assert (await world.services.ctx.repos.pairs.contract(pair_id)).in_force.clauses.boundaries == BOUNDARY

    # A session, proposed in chat, accepted by card, reminded, asked about and confirmed by card.
    when = to_uk(world.clock.now() + timedelta(days=3)).replace(hour=14, minute=0)
    await mentee.say("schedule")
    await mentee.say(when.strftime("%d/%m/%Y %H:%M"))
    session = (await world.services.ctx.repos.pairs.schedule(pair_id)).sessions[-1]
    await press(mentor, verbs.SESSION_ACCEPT, {"pairId": pair_id, "sessionId": session.id})
    await world.services.due_work.sweep()
    world.clock.advance(timedelta(days=4))
    await world.services.due_work.sweep()
    for chat in (mentor, mentee):
        await press(chat, verbs.SESSION_HAPPENED, {"pairId": pair_id, "sessionId": session.id})

    # A reflection with markers, read back; a help request with a marker; the manager's views.
    await mentee.say("reflect")
    await mentee.say(DISCUSSED)
    await mentee.say(LEARNED)
    await mentee.say(NEXT)
    await mentee.say("4")
    await mentee.say("yes")
    assert DISCUSSED in text_of(await mentee.say("my reflections"))
    assert DISCUSSED in text_of(await mentor.say("my reflections"))  # shared with the partner
    await mentee.say(f"ask for help {HELP}")
    await world.chat(MANAGER).say("status")
    await mentee.say("contract")
    world.clock.advance(timedelta(days=3))
    await world.services.due_work.sweep()

    # The person's own data: exported, then erased.
    await mentee.say("export my data")
    await mentee.say("delete my data")
    assert "erased" in text_of(await mentee.say("yes"))

    logged = everything_logged(caplog)
    assert caplog.records, "the journey should have logged something at DEBUG"
    leaked = [m for m in MARKERS if m in logged]
    assert leaked == []
    assert "Bearer " not in logged


async def test_an_inbound_bearer_token_never_reaches_the_log(tmp_path, caplog):
    capture_everything(caplog)
    connector = FaultyConnector()
    await connector.start()
    token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZWNyZXQtY2xhaW0iOiJUT0tFTi1NQVJLRVIifQ.c2lnbmF0dXJlLW1hcmtlcg"
    settings = Settings(auth_mode=AuthMode.LOCAL, data_path=tmp_path / "tandem.sqlite3")
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    try:
        activity = {
            "type": "message", "id": "a1", "text": f"reflect {DISCUSSED}", "channelId": "msteams",
            "serviceUrl": connector.service_url,
            "from": {"id": "29:adele", "name": "Adele", "aadObjectId": "aad-adele"},
            "recipient": {"id": "28:tandem", "name": "Tandem"},
            "conversation": {"id": "conv-adele", "conversationType": "personal"},
            "channelData": {"tenant": {"id": "tenant-1"}},
        }
        response = await client.post("/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"})
        assert response.status < 600  # whatever the SDK answers (inbound auth is being reworked), nothing leaks
    finally:
        await client.close()
        await connector.stop()
    logged = everything_logged(caplog)
    assert token not in logged and "Bearer " not in logged and token.split(".")[1] not in logged


def test_the_redaction_filter_rewrites_headers_tokens_and_tracebacks():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.log_hygiene.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    install_redaction(logger)
    try:
        jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJl"
        logger.warning("sending %s", {"Authorization": f"Bearer {jwt}", "Content-Type": "application/json"})
        logger.warning("Authorization: Bearer %s", "opaque-token-value")
        try:
            raise PermissionError(f"bad token {jwt}")
        except PermissionError:
            logger.exception("refused")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert jwt not in out and "opaque-token-value" not in out and "Bearer " not in out
    assert "[redacted]" in out and "application/json" in out and "refused" in out
    assert sum(isinstance(f, RedactSecrets) for f in handler.filters) == 1
