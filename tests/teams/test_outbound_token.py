"""The bot's outbound tokens: asked of the configured login URL without blocking, cached, and a typed
failure (never a stack trace) when the login service refuses or is away."""

from __future__ import annotations

import aiohttp
import pytest

from bot.teams.outbound_token import ClientSecretCredentialsFactory, OutboundTokenUnavailable, token_endpoint
from tests.support.openid_server import OpenIdServer


@pytest.fixture
async def login():
    server = OpenIdServer()
    await server.start()
    yield server
    await server.stop()


async def test_a_token_is_fetched_once_and_reused_until_near_expiry(login):
    async with aiohttp.ClientSession() as http:
        factory = ClientSecretCredentialsFactory("app", "secret", lambda: http)
        first = await factory.create_credentials("app", "https://api.botframework.com", login.login_url, True)
        second = await factory.create_credentials("app", "https://api.botframework.com", login.login_url, True)
    assert first.get_access_token().startswith("outbound-") and first.get_access_token() == second.get_access_token()
    assert login.tokens_issued == 1 and factory.fetches == 1


async def test_refused_credentials_and_an_absent_login_service_are_typed_failures(login):
    async with aiohttp.ClientSession() as http:
        with pytest.raises(OutboundTokenUnavailable, match="401"):
            await ClientSecretCredentialsFactory("app", "", lambda: http).create_credentials("app", "s", login.login_url, True)
        with pytest.raises(OutboundTokenUnavailable, match="unreachable"):
            await ClientSecretCredentialsFactory("app", "x", lambda: http).create_credentials("app", "s", "http://127.0.0.1:9/t", True)


def test_the_login_url_is_an_authority_unless_it_already_names_the_token_endpoint():
    assert token_endpoint("https://login.microsoftonline.com/botframework.com") == \
        "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert token_endpoint("https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token") == \
        "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
