"""Inbound authentication and bad input, through the real `python app.py` process in production mode: a
loopback OpenID metadata + JWKS server with keys these tests generate, a loopback Bot Connector as the
serviceUrl, and a loopback token endpoint for the bot's outbound tokens. Every refusal is checked three
ways: the status code, that the handler did not run (the connector heard nothing) and that the bot's log
has no stack trace (and never the token)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.e2e.processes import BotProcess
from tests.support.connector import FaultyConnector
from tests.support.openid_server import KeyPair, OpenIdServer, channel_claims, emulator_claims

pytestmark = pytest.mark.asyncio(loop_scope="module")

APP_ID = "5f0d6c2e-0000-4000-8000-tandem-bot"
TENANT, PARTNER_TENANT, STRANGER_TENANT = "tenant-force-a", "tenant-force-b", "tenant-elsewhere"
REFETCH_SECONDS = 0.5


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def handmade_token(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(signature)}"


@dataclass
class Edge:
    """The running bot in production mode and the loopback services it talks to."""

    openid: OpenIdServer
    connector: FaultyConnector
    bot: BotProcess
    http: aiohttp.ClientSession
    tokens: list[str] = field(default_factory=list)

    def activity(self, conversation: str | None = None, *, tenant: str = TENANT, text: str = "help", **fields: Any) -> dict[str, Any]:
        conversation = conversation or f"conv-{uuid.uuid4().hex[:10]}"
        user = f"aad-{conversation}"
        body = {
            "type": "message", "id": f"act-{uuid.uuid4().hex[:8]}", "channelId": "msteams",
            "serviceUrl": self.connector.service_url, "text": text,
            "from": {"id": f"29:{user}", "name": "Una Officer", "aadObjectId": user},
            "recipient": {"id": "28:tandem", "name": "Tandem"},
            "conversation": {"id": conversation, "conversationType": "personal", "tenantId": tenant},
            "channelData": {"tenant": {"id": tenant}},
        }
        body.update(fields)
        return body

    def token(self, key: KeyPair | None = None, headers: dict[str, Any] | None = None, **claims: Any) -> str:
        token = (key or self.openid.channel.current).sign(channel_claims(APP_ID, self.connector.service_url, **claims), headers)
        self.tokens.append(token)
        return token

    async def post(self, body: Any, token: str | None = "", *, authorization: str | None = None,
                   content_type: str = "application/json") -> tuple[int, str, dict[str, str]]:
        headers = {"Content-Type": content_type}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token is not None:
            headers["Authorization"] = f"Bearer {token or self.token()}"
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        async with self.http.post(self.bot.endpoint, data=data, headers=headers) as response:
            return response.status, await response.text(), dict(response.headers)

    async def replies_to(self, conversation: str, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = [r.activity for r in self.connector.to(conversation)]
            if len(received) >= count:
                return received
            await asyncio.sleep(0.05)
        return [r.activity for r in self.connector.to(conversation)]


def bot_env(openid: OpenIdServer, **extra: str) -> dict[str, str]:
    return {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "test-secret", "MicrosoftAppTenantId": TENANT,
            "TANDEM_ALLOWED_TENANTS": PARTNER_TENANT,
            "ToBotFromChannelOpenIdMetadataUrl": openid.channel_metadata_url,
            "ToBotFromEmulatorOpenIdMetadataUrl": openid.emulator_metadata_url,
            "ToChannelFromBotLoginUrl": openid.login_url,
            "TANDEM_KEY_REFETCH_SECONDS": str(REFETCH_SECONDS), "TANDEM_REPLY_BUDGET_SECONDS": "2", **extra}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def edge(tmp_path_factory):
    openid, connector = OpenIdServer(), FaultyConnector()
    await openid.start()
    await connector.start()
    bot = BotProcess(tmp_path_factory.mktemp("inbound-auth"), bot_env(openid), local=False)
    await bot.start()
    async with aiohttp.ClientSession() as http:
        yield Edge(openid, connector, bot, http)
    await bot.stop()
    await connector.stop()
    await openid.stop()


@pytest.fixture(autouse=True)
def clean_log(edge):
    """Each test: faults reset, and afterwards no stack trace and no token in what the bot logged."""
    edge.connector.throttle, edge.connector.failures, edge.openid.down = 0, [], False
    start = edge.bot.log.stat().st_size
    yield
    logged = edge.bot.log.read_text()[start:]
    assert "Traceback" not in logged, logged[-3000:]
    assert not any(token in logged for token in edge.tokens)


async def assert_refused(edge: Edge, body: dict[str, Any], status: int, **post: Any) -> dict[str, str]:
    before = edge.connector.attempts
    code, text, headers = await edge.post(body, **post)
    assert code == status, text
    assert "Traceback" not in text
    await asyncio.sleep(0.1)  # a handler that ran anyway would have replied by now
    assert edge.connector.attempts == before and not edge.connector.to(body["conversation"]["id"])
    return headers


# A valid token ----------------------------------------------------------------------------------------------
async def test_a_valid_channel_token_runs_the_turn_and_the_bot_replies_through_the_connector(edge):
    body = edge.activity()
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    replies = await edge.replies_to(body["conversation"]["id"])
    assert replies and "help" in json.dumps(replies).lower()
    assert edge.openid.tokens_issued >= 1  # the reply's token came from the loopback login endpoint


async def test_a_token_expired_within_the_clock_skew_is_still_accepted(edge):
    body = edge.activity()
    now = time.time()
    status, text, _ = await edge.post(body, edge.token(exp=int(now - 120)))
    assert status in (200, 201), text
    assert await edge.replies_to(body["conversation"]["id"])


# Forged and misconfigured tokens: 401 ------------------------------------------------------------------------
def forged_tokens(edge: Edge) -> dict[str, str]:
    now = int(time.time())
    current = edge.openid.channel.current
    claims = channel_claims(APP_ID, edge.connector.service_url)
    impostor = KeyPair(kid=current.kid)  # the right key id, the wrong key
    public_pem = current.public_pem()
    hs_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': current.kid, 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
    return {
        "wrong key": impostor.sign(claims),
        "unknown key id": KeyPair().sign(claims),
        "garbage": "not.a.token",
        "alg none": handmade_token({"alg": "none", "kid": current.kid, "typ": "JWT"}, claims),
        "HS256 signed with the public key": f"{hs_input}.{b64(hmac.new(public_pem, hs_input.encode(), hashlib.sha256).digest())}",
        "expired beyond the skew": edge.token(exp=now - 400),
        "not yet valid beyond the skew": edge.token(nbf=now + 600),
        "no exp": edge.token(exp=None),
        "wrong audience": edge.token(aud="some-other-bot"),
        "wrong issuer": edge.token(iss="https://issuer.example.invalid"),
        "serviceUrl does not match the token": edge.token(serviceurl="http://127.0.0.1:9/"),
        "no serviceurl claim": edge.token(serviceurl=None),
    }


CASES = ["wrong key", "unknown key id", "garbage", "alg none", "HS256 signed with the public key", "expired beyond the skew",
         "not yet valid beyond the skew", "no exp", "wrong audience", "wrong issuer", "serviceUrl does not match the token",
         "no serviceurl claim"]


@pytest.mark.parametrize("case", CASES)
async def test_a_forged_or_wrong_token_is_401_and_no_handler_runs(edge, case):
    token = forged_tokens(edge)[case]
    edge.tokens.append(token)
    await assert_refused(edge, edge.activity(), 401, token=token)


@pytest.mark.parametrize("authorization", ["", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNz", "bearer a.b", "Bearer \u00e9\u00e9"])
async def test_a_missing_or_garbled_authorization_header_is_401(edge, authorization):
    await assert_refused(edge, edge.activity(), 401, authorization=authorization)


async def test_no_authorization_header_at_all_is_401(edge):
    await assert_refused(edge, edge.activity(), 401, token=None)


async def test_a_key_not_endorsed_for_the_activitys_channel_is_401(edge):
    await assert_refused(edge, edge.activity(channelId="skype"), 401)


async def test_an_emulator_token_is_refused_unless_the_deployment_allows_it(edge):
    token = edge.openid.emulator.current.sign(emulator_claims(APP_ID, TENANT))
    edge.tokens.append(token)
    await assert_refused(edge, edge.activity(), 401, token=token)
    assert "emulator token refused" in edge.bot.log.read_text()


async def test_an_emulator_token_is_accepted_when_tandem_allow_emulator_is_set(edge, tmp_path):
    bot = BotProcess(tmp_path, bot_env(edge.openid, TANDEM_ALLOW_EMULATOR="1"), local=False)
    await bot.start()
    try:
        body = edge.activity()
        for version in ("1.0", "2.0"):
            token = edge.openid.emulator.current.sign(emulator_claims(APP_ID, TENANT, version=version))
            edge.tokens.append(token)
            async with edge.http.post(bot.endpoint, json=body, headers={"Authorization": f"Bearer {token}"}) as response:
                assert response.status in (200, 201), await response.text()
        assert len(await edge.replies_to(body["conversation"]["id"], count=2)) >= 2
        # A forged emulator token, or one issued to another app, is still refused there.
        forged = KeyPair(kid=edge.openid.emulator.current.kid).sign(emulator_claims(APP_ID, TENANT))
        someone_elses = edge.openid.emulator.current.sign({**emulator_claims(APP_ID, TENANT), "appid": "other-app"})
        edge.tokens.extend([forged, someone_elses])
        for token in (forged, someone_elses):
            async with edge.http.post(bot.endpoint, json=edge.activity(), headers={"Authorization": f"Bearer {token}"}) as response:
                assert response.status == 401
        assert "Traceback" not in bot.log.read_text()  # before the stop: a tick cancelled by SIGTERM logs one (apscheduler)
    finally:
        await bot.stop()


# Tenants: 403 -------------------------------------------------------------------------------------------------
async def test_a_valid_token_for_an_activity_from_a_tenant_not_served_is_403(edge):
    headers = await assert_refused(edge, edge.activity(tenant=STRANGER_TENANT), 403)
    assert headers.get("Content-Type", "").startswith("application/json")


async def test_an_activity_with_no_tenant_is_403_when_tenants_are_configured(edge):
    body = edge.activity()
    body["channelData"] = {}
    body["conversation"].pop("tenantId")
    await assert_refused(edge, body, 403)


async def test_a_tenant_in_tandem_allowed_tenants_is_served(edge):
    body = edge.activity(tenant=PARTNER_TENANT)
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    assert await edge.replies_to(body["conversation"]["id"])


# Malformed bodies: 400 / 413 ----------------------------------------------------------------------------------
def without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    holder = body
    for name in path[:-1]:
        holder = holder[name]
    holder.pop(path[-1])
    return body


MISSING = [("type",), ("channelId",), ("from",), ("from", "id"), ("conversation",), ("conversation", "id"),
           ("recipient",), ("recipient", "id"), ("serviceUrl",)]


@pytest.mark.parametrize("path", MISSING, ids=[".".join(p) for p in MISSING])
async def test_a_body_missing_a_required_field_is_400(edge, path):
    body = without(edge.activity(), *path)
    before = edge.connector.attempts
    status, text, _ = await edge.post(body)
    assert status == 400 and "error" in json.loads(text), text
    assert edge.connector.attempts == before


WRONG_TYPES = {
    "from is a string": {"from": "29:someone"},
    "conversation is a list": {"conversation": ["c"]},
    "recipient id is a number": {"recipient": {"id": 28}},
    "type is a number": {"type": 7},
    "text is an object": {"text": {"bold": True}},
    "entities is a string": {"entities": "mention"},
    "attachments is a dict": {"attachments": {"a": 1}},
    "serviceUrl is a number": {"serviceUrl": 5},
    "serviceUrl is not http": {"serviceUrl": "ftp://127.0.0.1/"},
    "timestamp is not a date": {"timestamp": "yesterday-ish"},
}


@pytest.mark.parametrize("case", list(WRONG_TYPES))
async def test_a_body_with_a_wrong_field_type_is_400(edge, case):
    body = edge.activity(**WRONG_TYPES[case])
    before = edge.connector.attempts
    token = edge.token(serviceurl=body["serviceUrl"]) if isinstance(body.get("serviceUrl"), str) else None
    status, text, _ = await edge.post(body, token or "")
    assert status == 400 and "error" in json.loads(text), text
    assert edge.connector.attempts == before


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
async def test_very_deep_json_is_400_and_does_not_crash_the_bot(edge, depth):
    inner = "[" * depth + "]" * depth
    text = json.dumps(edge.activity())[:-1] + f', "value": {inner}}}'
    before = edge.connector.attempts
    status, answer, _ = await edge.post(text.encode())
    assert status in (400, 413), answer
    assert edge.connector.attempts == before
    assert (await edge.bot.health())["status"] == "ok"


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"message"', b"\xff\xfe", b'{"type": "message", "n": 1e999}',
                                 b'{"type": "message", "n": NaN}', b'{"type": "message", "n": ' + b"9" * 5000 + b"}"],
                         ids=["not json", "a list", "a string", "not utf-8", "1e999", "NaN", "a 5000-digit number"])
async def test_a_body_that_is_not_a_json_activity_is_400(edge, raw):
    before = edge.connector.attempts
    status, text, _ = await edge.post(raw)
    assert status == 400 and "error" in json.loads(text), text
    assert edge.connector.attempts == before


async def test_a_huge_body_is_413(edge):
    body = edge.activity(text="x" * (300 * 1024))
    status, text, _ = await edge.post(body)
    assert status == 413 and "KiB" in json.loads(text)["error"]
    assert (await edge.bot.health())["status"] == "ok"


async def test_a_body_that_is_not_json_content_is_415(edge):
    status, _, _ = await edge.post(json.dumps(edge.activity()), content_type="text/plain")
    assert status == 415


# Invoke value shapes --------------------------------------------------------------------------------------------
INVOKE_VALUES = {
    "action is a string": {"action": "contract.accept"},
    "action is a list": {"action": [{"verb": "contract.accept"}]},
    "verb is a number": {"action": {"verb": 3, "data": {}}},
    "data is a list": {"action": {"verb": "contract.accept", "data": [1]}},
    "version is 1e308": {"action": {"verb": "contract.accept", "data": {"pairId": "p1", "version": 1e308}}},
    "version is the text 1e999": {"action": {"verb": "contract.accept", "data": {"pairId": "p1", "version": "1e999"}}},
    "value is a string": "contract.accept",
}


@pytest.mark.parametrize("case", list(INVOKE_VALUES))
async def test_an_invoke_with_an_odd_value_gets_a_kind_answer_never_500(edge, case):
    body = edge.activity(type="invoke", name="adaptiveCard/action", value=INVOKE_VALUES[case])
    body.pop("text")
    status, text, _ = await edge.post(body)
    assert status in (200, 400), text
    answer = json.loads(text)
    assert isinstance(answer.get("value"), str) and "Traceback" not in text


async def test_an_invoke_version_of_1e999_is_400_at_the_edge(edge):
    body = edge.activity(type="invoke", name="adaptiveCard/action")
    raw = json.dumps(body)[:-1] + ', "value": {"action": {"verb": "contract.accept", "data": {"pairId": "p", "version": 1e999}}}}'
    status, text, _ = await edge.post(raw.encode())
    assert status == 400, text


# Keys: rotation, and the key service down ------------------------------------------------------------------------
async def test_a_rotated_signing_key_is_fetched_on_demand_without_a_restart(edge):
    old = edge.openid.channel.current
    new = edge.openid.channel.rotate(keep_old=False)
    await asyncio.sleep(REFETCH_SECONDS + 0.1)
    body = edge.activity()
    status, text, _ = await edge.post(body, edge.token(new))
    assert status in (200, 201), text
    assert await edge.replies_to(body["conversation"]["id"])
    await assert_refused(edge, edge.activity(), 401, token=edge.token(old))  # the retired key is gone


async def test_unknown_key_ids_refetch_the_keys_at_most_once_per_interval(edge):
    tokens = [KeyPair().sign(channel_claims(APP_ID, edge.connector.service_url)) for _ in range(8)]
    edge.tokens.extend(tokens)
    await asyncio.sleep(REFETCH_SECONDS + 0.1)
    before, started = edge.openid.fetches, time.monotonic()
    answers = await asyncio.gather(*(edge.post(edge.activity(), token) for token in tokens))  # all at once
    assert [status for status, _, _ in answers] == [401] * len(tokens)
    # One refetch per interval at most (exactly one unless this busy machine spread the requests out;
    # tests/teams/test_signing_keys.py checks the limit on a controlled clock).
    assert 1 <= edge.openid.fetches - before <= 1 + (time.monotonic() - started) // REFETCH_SECONDS


async def test_when_the_key_service_is_down_a_new_key_id_gets_503_with_retry_after(edge):
    new = edge.openid.channel.rotate()
    edge.openid.down = True
    await asyncio.sleep(REFETCH_SECONDS + 0.1)
    headers = await assert_refused(edge, edge.activity(), 503, token=edge.token(new))
    assert int(headers["Retry-After"]) > 0
    edge.openid.down = False
    await asyncio.sleep(REFETCH_SECONDS + 0.1)
    body = edge.activity()
    status, text, _ = await edge.post(body, edge.token(new))
    assert status in (200, 201), text


async def test_while_the_key_service_is_down_known_keys_keep_working(edge):
    edge.openid.down = True
    body = edge.activity()
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    assert await edge.replies_to(body["conversation"]["id"])


# Outbound failures: never a 500 for the inbound request ---------------------------------------------------------
async def test_a_reply_answered_429_waits_as_retry_after_says_and_arrives(edge):
    edge.connector.throttle, edge.connector.retry_after_seconds = 2, 0.3
    body = edge.activity()
    started = time.monotonic()
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    assert time.monotonic() - started >= 0.6  # it waited as Retry-After said, twice
    replies = await edge.replies_to(body["conversation"]["id"])
    assert replies and "help" in json.dumps(replies).lower()


async def test_a_reply_answered_503_is_retried_and_arrives(edge):
    edge.connector.failures = [503, 503]
    body = edge.activity()
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    assert await edge.replies_to(body["conversation"]["id"])


async def test_a_reply_throttled_past_the_turns_budget_gives_a_kind_message_not_a_500(edge):
    edge.connector.throttle, edge.connector.retry_after_seconds = 3, 0.8  # budget 2 s: the third wait is too long
    body = edge.activity()
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    replies = await edge.replies_to(body["conversation"]["id"])
    assert replies and "didn't take my reply" in replies[-1]["text"]
    assert "reply in conversation" in edge.bot.log.read_text()


async def test_a_connector_that_keeps_failing_still_gets_the_inbound_request_answered(edge):
    edge.connector.failures = [503] * 50
    body = edge.activity()
    status, text, _ = await edge.post(body)
    assert status in (200, 201), text
    assert not edge.connector.to(body["conversation"]["id"])
    edge.connector.failures = []
