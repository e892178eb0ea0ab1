"""Outbound tokens (bot -> channel) for an app id + client secret, fetched with aiohttp from the configured
ToChannelFromBotLoginUrl and cached until shortly before they expire.

Why not the SDK's MicrosoftAppCredentials: it asks MSAL synchronously (blocking the event loop on every
token fetch), and MSAL insists on an https authority it can discover on the public internet, so a private
cloud or a test's loopback token endpoint cannot be used without code changes."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Callable

import aiohttp
from botframework.connector.auth import AppCredentials, MicrosoftAppCredentials, ServiceClientCredentialsFactory
from msrest.authentication import Authentication

log = logging.getLogger(__name__)

REFRESH_BEFORE_EXPIRY_SECONDS = 300


class OutboundTokenUnavailable(Exception):
    """No token to talk to the channel: the login service is down or refused the bot's credentials."""


class BearerCredentials(AppCredentials):
    """A token already fetched; msrest asks for it synchronously on each request, so it must not fetch."""

    def __init__(self, app_id: str, token: str, oauth_scope: str):
        super().__init__(app_id=app_id, oauth_scope=oauth_scope)
        self._token = token

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._token


@dataclass
class _Cached:
    token: str
    refresh_at: float


def token_endpoint(login_url: str) -> str:
    url = login_url.rstrip("/")
    return url if url.endswith("/token") else f"{url}/oauth2/v2.0/token"


class ClientSecretCredentialsFactory(ServiceClientCredentialsFactory):
    def __init__(self, app_id: str, password: str, http: Callable[[], aiohttp.ClientSession],
                 clock: Callable[[], float] = time.monotonic, timeout_seconds: float = 10):
        self.app_id = app_id
        self._password = password
        self._http = http
        self._clock = clock
        self._timeout = timeout_seconds
        self._cache: dict[tuple[str, str], _Cached] = {}
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return not self.app_id

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> Authentication:
        if not self.app_id:
            return MicrosoftAppCredentials.empty()
        if app_id != self.app_id:
            raise OutboundTokenUnavailable("a token was asked for another app id")
        return BearerCredentials(app_id, await self._token(oauth_scope, login_endpoint), oauth_scope)

    async def _token(self, oauth_scope: str, login_endpoint: str) -> str:
        key = (login_endpoint, oauth_scope)
        async with self._lock:
            cached = self._cache.get(key)
            if cached and self._clock() < cached.refresh_at:
                return cached.token
            scope = oauth_scope if oauth_scope.endswith("/.default") else f"{oauth_scope.rstrip('/')}/.default"
            form = {"grant_type": "client_credentials", "client_id": self.app_id,
                    "client_secret": self._password, "scope": scope}
            self.fetches += 1
            try:
                async with self._http().post(token_endpoint(login_endpoint), data=form,
                                             timeout=aiohttp.ClientTimeout(total=self._timeout)) as response:
                    answer = await response.json(content_type=None)
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                raise OutboundTokenUnavailable(f"login service unreachable ({type(error).__name__})") from None
            token = answer.get("access_token") if isinstance(answer, dict) else None
            if status != 200 or not isinstance(token, str):
                code = answer.get("error") if isinstance(answer, dict) else None
                raise OutboundTokenUnavailable(f"login service answered {status} {str(code)[:40]}")
            try:
                lifetime = float(answer.get("expires_in", 3600))
            except (TypeError, ValueError):
                lifetime = 3600.0
            self._cache[key] = _Cached(token, self._clock() + max(0.0, lifetime - REFRESH_BEFORE_EXPIRY_SECONDS))
            return token
