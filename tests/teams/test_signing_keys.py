"""The signing-key cache on its own, against the loopback OpenID server: fetched without blocking the event
loop, an unknown key id refetched at most once per interval, a slow or absent key service a 503."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.teams.inbound_auth import (
    InboundAuthConfig, InboundAuthenticator, KeysUnavailable, SigningKeys, TenantNotServed, Unauthenticated,
)
from tests.support.openid_server import KeyPair, OpenIdServer, channel_claims

APP_ID = "app-under-test"
SERVICE_URL = "http://127.0.0.1:9/"


@pytest.fixture
async def openid():
    server = OpenIdServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def keys_for(openid: OpenIdServer, http: aiohttp.ClientSession, clock: Clock, timeout: float = 5) -> SigningKeys:
    return SigningKeys(openid.channel_metadata_url, lambda: http, max_age=3600, refetch_interval=60, timeout=timeout, clock=clock)


def activity(tenant: str = "t1", channel: str = "msteams") -> dict:
    return {"type": "message", "channelId": channel, "serviceUrl": SERVICE_URL,
            "conversation": {"id": "c", "tenantId": tenant}, "channelData": {"tenant": {"id": tenant}}}


async def test_keys_are_fetched_once_and_served_from_the_cache(openid, http):
    clock = Clock()
    keys = keys_for(openid, http, clock)
    kid = openid.channel.current.kid
    for _ in range(5):
        assert (await keys.key(kid)).endorsements == ("msteams", "webchat")
    assert openid.fetches == 1


async def test_an_unknown_key_id_refetches_at_most_once_a_minute(openid, http):
    clock = Clock()
    keys = keys_for(openid, http, clock)
    await keys.key(openid.channel.current.kid)
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            await keys.key("never-published")
    assert openid.fetches == 1  # the first fetch is less than a minute old: no refetch
    rotated = openid.channel.rotate()
    with pytest.raises(Unauthenticated):
        await keys.key(rotated.kid)  # published, but still within the minute
    clock.now += 61
    assert await keys.key(rotated.kid)
    assert openid.fetches == 2


async def test_keys_older_than_their_max_age_are_refetched(openid, http):
    clock = Clock()
    keys = keys_for(openid, http, clock)
    await keys.key(openid.channel.current.kid)
    clock.now += 3601
    await keys.key(openid.channel.current.kid)
    assert openid.fetches == 2


async def test_a_slow_key_service_is_a_503_after_the_timeout_and_never_blocks_the_event_loop(openid, http):
    openid.delay = 1.0
    keys = keys_for(openid, http, Clock(), timeout=0.3)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    running = asyncio.create_task(ticker())
    try:
        with pytest.raises(KeysUnavailable):
            await keys.key(openid.channel.current.kid)
    finally:
        running.cancel()
    assert ticks >= 10  # the loop kept running while the fetch waited


async def test_a_key_service_that_is_down_with_no_keys_cached_is_a_503(openid, http):
    openid.down = True
    with pytest.raises(KeysUnavailable) as refused:
        await keys_for(openid, http, Clock()).key(openid.channel.current.kid)
    assert refused.value.status == 503 and refused.value.retry_after_seconds > 0


async def test_a_key_service_that_goes_down_keeps_the_cached_keys_in_use(openid, http):
    clock = Clock()
    keys = keys_for(openid, http, clock)
    kid = openid.channel.current.kid
    await keys.key(kid)
    openid.down = True
    clock.now += 3601  # stale, and the refetch fails: the old keys still check tokens
    assert await keys.key(kid)


def authenticator(openid: OpenIdServer, http: aiohttp.ClientSession, **config) -> InboundAuthenticator:
    return InboundAuthenticator(InboundAuthConfig(APP_ID, openid.channel_metadata_url, openid.emulator_metadata_url, **config),
                                lambda: http)


async def test_a_key_without_endorsements_is_not_checked_for_the_channel(openid, http):
    openid.channel.current.endorsements = None
    token = openid.channel.current.sign(channel_claims(APP_ID, SERVICE_URL))
    who = await authenticator(openid, http).authenticate(f"Bearer {token}", activity(channel="anything"))
    assert who.claims["aud"] == APP_ID and not who.from_emulator


async def test_tenants_are_only_enforced_when_some_are_configured(openid, http):
    token = openid.channel.current.sign(channel_claims(APP_ID, SERVICE_URL))
    assert await authenticator(openid, http).authenticate(f"Bearer {token}", activity(tenant="anyone"))
    strict = authenticator(openid, http, allowed_tenants=frozenset({"t1"}))
    assert await strict.authenticate(f"Bearer {token}", activity(tenant="T1"))  # tenant ids compare case-blind
    with pytest.raises(TenantNotServed) as refused:
        await strict.authenticate(f"Bearer {token}", activity(tenant="t2"))
    assert refused.value.status == 403


async def test_the_identity_handed_to_the_sdk_is_the_validated_claims(openid, http):
    good = openid.channel.current.sign(channel_claims(APP_ID, SERVICE_URL))
    identity = (await authenticator(openid, http).authenticate(f"Bearer {good}", activity())).claims_identity()
    assert identity.is_authenticated and identity.get_claim_value("serviceurl") == SERVICE_URL
