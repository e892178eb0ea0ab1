"""The edge in its two modes, in process: production mode without MicrosoftAppId refuses everything; local
mode authenticates nothing but still refuses malformed bodies; the cloud settings reach the SDK."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from app import bot_authentication, create_app
from bot.settings import AuthMode, Settings, SettingsError
from tests.support.connector import FaultyConnector


async def client_for(settings: Settings) -> TestClient:
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    return client


def message(connector: FaultyConnector, conversation: str = "local-1", **fields) -> dict:
    body = {"type": "message", "id": "a1", "channelId": "msteams", "serviceUrl": connector.service_url, "text": "help",
            "from": {"id": "29:u", "name": "Una", "aadObjectId": "aad-u"}, "recipient": {"id": "28:bot"},
            "conversation": {"id": conversation, "conversationType": "personal", "tenantId": "t1"},
            "channelData": {"tenant": {"id": "t1"}}}
    body.update(fields)
    return body


async def test_production_mode_without_an_app_id_refuses_every_request(tmp_path, connector):
    client = await client_for(Settings(data_path=tmp_path / "t.sqlite3"))
    try:
        for headers in ({}, {"Authorization": "Bearer a.b.c"}):
            response = await client.post("/api/messages", json=message(connector), headers=headers)
            assert response.status == 401 and "MicrosoftAppId" in (await response.json())["error"]
        await asyncio.sleep(0.1)
        assert connector.attempts == 0
    finally:
        await client.close()


async def test_local_mode_runs_turns_without_a_token_but_still_refuses_malformed_bodies(tmp_path, connector):
    client = await client_for(Settings(auth_mode=AuthMode.LOCAL, data_path=tmp_path / "t.sqlite3"))
    try:
        response = await client.post("/api/messages", json=message(connector))
        assert response.status in (200, 201)
        for _ in range(100):
            if connector.to("local-1"):
                break
            await asyncio.sleep(0.05)
        assert connector.to("local-1")
        no_service_url = message(connector, "local-2")
        no_service_url.pop("serviceUrl")
        deep = json.dumps(message(connector, "local-3"))[:-1] + ', "value": ' + "[" * 10_000 + "]" * 10_000 + "}"
        for body in (json.dumps(no_service_url), deep, '{"type": "message"}'):
            response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
            assert response.status == 400, await response.text()
        assert not connector.to("local-2") and not connector.to("local-3")
    finally:
        await client.close()


def test_the_standard_bot_framework_settings_are_read_from_the_environment():
    settings = Settings.from_env({
        "MicrosoftAppId": "app", "MicrosoftAppPassword": "secret", "MicrosoftAppTenantId": "Tenant-A",
        "TANDEM_ALLOWED_TENANTS": "tenant-b, tenant-c", "TANDEM_ALLOW_EMULATOR": "1",
        "ToBotFromChannelOpenIdMetadataUrl": "https://login.example.test/v1/.well-known/openidconfiguration",
        "ToBotFromEmulatorOpenIdMetadataUrl": "https://aad.example.test/common/v2.0/.well-known/openid-configuration",
        "ToChannelFromBotLoginUrl": "https://aad.example.test/botframework.example",
        "ToChannelFromBotOAuthScope": "https://api.example.test", "OAuthUrl": "https://token.example.test",
    })
    assert settings.allowed_tenants == {"tenant-a", "tenant-b", "tenant-c"} and settings.allow_emulator
    inner = bot_authentication(settings, http=None)._inner  # the SDK object that acquires outbound tokens
    assert inner._to_channel_from_bot_login_url == "https://aad.example.test/botframework.example"
    assert inner._to_channel_from_bot_oauth_scope == "https://api.example.test"
    assert inner._oauth_url == "https://token.example.test"
    assert inner._to_bot_from_channel_open_id_metadata_url == settings.channel_openid_metadata_url


def test_the_us_government_channel_service_picks_its_endpoints():
    settings = Settings.from_env({"MicrosoftAppId": "app", "ChannelService": "https://botframework.azure.us"})
    assert settings.oauth_scope == "https://api.botframework.us" and settings.channel_token_issuer == "https://api.botframework.us"
    with pytest.raises(SettingsError):
        Settings.from_env({"ChannelService": "https://elsewhere.example"})


@pytest.mark.parametrize("name", ["ToBotFromChannelOpenIdMetadataUrl", "ToBotFromEmulatorOpenIdMetadataUrl", "ToChannelFromBotLoginUrl"])
def test_key_and_login_urls_must_be_https_unless_on_loopback(name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: "http://keys.example.test/jwks"})
    assert Settings.from_env({name: "http://127.0.0.1:8080/x"})
