"""Benchmark (not a test): what Tandem's own inbound checks cost per request. Prints a table.

    .venv/bin/python -m tests.benchmarks.inbound_checks
"""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from bot.teams.activity_body import MAX_BODY_BYTES, MalformedActivity, check_activity, parse_body
from bot.teams.inbound_auth import InboundAuthConfig, InboundAuthenticator
from tests.support.openid_server import OpenIdServer, channel_claims

APP_ID = "bench-app"
SERVICE_URL = "https://smba.trafficmanager.net/uk/"


def activity(text: str = "help") -> dict:
    return {"type": "message", "id": "a1", "channelId": "msteams", "serviceUrl": SERVICE_URL, "text": text,
            "from": {"id": "29:u", "aadObjectId": "aad-u"}, "recipient": {"id": "28:bot"},
            "conversation": {"id": "c1", "conversationType": "personal", "tenantId": "t1"},
            "channelData": {"tenant": {"id": "t1"}}}


def per_call_us(action, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) / repeat * 1e6


def refuse(raw: bytes) -> None:
    try:
        parse_body(raw)
    except MalformedActivity:
        return
    raise AssertionError("expected a refusal")


async def token_checks(repeat: int) -> tuple[float, int]:
    server = OpenIdServer()
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            authenticator = InboundAuthenticator(InboundAuthConfig(APP_ID, server.channel_metadata_url, server.emulator_metadata_url,
                                                                   allowed_tenants=frozenset({"t1"})), lambda: http)
            token = server.channel.current.sign(channel_claims(APP_ID, SERVICE_URL))
            body = activity()
            await authenticator.authenticate(f"Bearer {token}", body)  # the one key fetch
            started = time.perf_counter()
            for _ in range(repeat):
                await authenticator.authenticate(f"Bearer {token}", body)
            return (time.perf_counter() - started) / repeat * 1e6, server.fetches
    finally:
        await server.stop()


def main() -> None:
    typical = json.dumps(activity()).encode()
    largest = json.dumps(activity("x" * (MAX_BODY_BYTES - 1024))).encode()
    deepest = b'{"v": ' + b"[" * 120_000 + b"]" * 120_000 + b"}"
    rows = [
        (f"parse + check, typical body ({len(typical)} B)", per_call_us(lambda: check_activity(parse_body(typical)), 5000)),
        (f"parse + check, largest body ({len(largest) // 1024} KiB)", per_call_us(lambda: check_activity(parse_body(largest)), 200)),
        (f"refuse 120 000-deep nesting ({len(deepest) // 1024} KiB)", per_call_us(lambda: refuse(deepest), 50)),
    ]
    token_us, fetches = asyncio.run(token_checks(2000))
    rows.append((f"verify RS256 token, keys cached ({fetches} key fetch)", token_us))
    print(f"{'check':55} {'µs per request':>15}")
    for label, micros in rows:
        print(f"{label:55} {micros:>15.1f}")


if __name__ == "__main__":
    main()
