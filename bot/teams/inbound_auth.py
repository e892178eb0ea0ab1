"""Inbound authentication: every request to /api/messages proves it comes from the Bot Framework channel
(or, only when allowed, the Emulator) for this bot, this serviceUrl and a tenant Tandem serves, before its
body becomes SDK objects. The SDK is then handed the identity already checked here.

Status codes: 401 when the token is missing, forged, expired or not for this bot; 403 when a valid token
carries an activity from a tenant this deployment does not serve; 503 (with Retry-After) when the signing
keys cannot be fetched. The reason goes to the log as one line; the caller only learns the status.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import aiohttp
import jwt
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
)

log = logging.getLogger(__name__)

ALGORITHM = "RS256"
EMULATOR_ISSUER = re.compile(r"^https://(sts\.windows\.net/[0-9A-Za-z.-]+/|login\.microsoftonline\.com/[0-9A-Za-z.-]+/v2\.0)$")


class RequestRefused(Exception):
    """The request may not reach the bot. `reason` is for the log (never token text); `status` for the caller."""

    status = 401
    public = "Not authorised."

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Unauthenticated(RequestRefused):
    """No valid Bot Framework token for this bot."""


class TenantNotServed(RequestRefused):
    """A valid token, but the activity comes from an organisation this deployment does not serve."""

    status = 403
    public = "This Tandem deployment does not serve your organisation."


class KeysUnavailable(RequestRefused):
    """The signing keys could not be fetched, so nothing can be checked: try again shortly."""

    status = 503
    public = "Tandem cannot check requests right now; try again shortly."
    retry_after_seconds = 30


@dataclass(frozen=True)
class InboundAuthConfig:
    app_id: str
    channel_metadata_url: str
    emulator_metadata_url: str
    channel_issuer: str = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
    allow_emulator: bool = False
    allowed_tenants: frozenset[str] = frozenset()  # empty: any tenant
    clock_skew_seconds: int = 300
    keys_max_age_seconds: float = 24 * 3600  # the channel publishes keys a day ahead; refetch daily anyway
    unknown_kid_refetch_seconds: float = 60  # an unknown key id refetches at most this often
    fetch_timeout_seconds: float = 5


@dataclass
class SigningKey:
    key: Any
    endorsements: tuple[str, ...] | None  # None: the JWKS gives none, so there is nothing to check


@dataclass
class SigningKeys:
    """The signing keys behind one OpenID metadata document, fetched with aiohttp and cached. An unknown key
    id refetches on demand, at most once per `refetch_interval`, so a rotation needs no restart."""

    metadata_url: str
    http: Callable[[], aiohttp.ClientSession]
    max_age: float
    refetch_interval: float
    timeout: float
    clock: Callable[[], float] = time.monotonic
    keys: dict[str, SigningKey] = field(default_factory=dict)
    fetched_at: float | None = None
    attempted_at: float | None = None
    fetches: int = 0
    last_failed: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def key(self, kid: str) -> SigningKey:
        now = self.clock()
        stale = self.fetched_at is None or now - self.fetched_at > self.max_age
        if not self.keys or ((stale or kid not in self.keys) and self._may_refetch(now)):
            await self._refresh()
        found = self.keys.get(kid)
        if found is None and self.last_failed:
            # Perhaps a new key we could not fetch: say "try again", not "forged".
            raise KeysUnavailable(f"signing key id {kid[:40]!r} unknown and the keys cannot be fetched")
        if found is None:
            raise Unauthenticated(f"unknown signing key id {kid[:40]!r}")
        return found

    def _may_refetch(self, now: float) -> bool:
        return self.attempted_at is None or now - self.attempted_at >= self.refetch_interval

    async def _refresh(self) -> None:
        async with self._lock:  # one fetch at a time; requests that waited use its result
            if self.attempted_at is not None and self.clock() - self.attempted_at < min(1.0, self.refetch_interval):
                return
            self.attempted_at = self.clock()
            try:
                self.keys = await self._fetch()
                self.fetched_at = self.clock()
                self.last_failed = False
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError, jwt.PyJWTError) as error:
                self.last_failed = True
                log.warning("signing keys from %s unavailable: %s", self.metadata_url, type(error).__name__)
                if not self.keys:
                    raise KeysUnavailable(f"signing keys unavailable ({type(error).__name__})") from None
                # Keep the keys we have: a key service hiccup must not lock out tokens we can still check.

    async def _fetch(self) -> dict[str, SigningKey]:
        self.fetches += 1
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with self.http().get(self.metadata_url, timeout=timeout) as response:
            response.raise_for_status()
            metadata = await response.json(content_type=None)
        jwks_uri = metadata["jwks_uri"]
        if not isinstance(jwks_uri, str):
            raise ValueError("jwks_uri is not a URL")
        async with self.http().get(jwks_uri, timeout=timeout) as response:
            response.raise_for_status()
            jwks = await response.json(content_type=None)
        keys: dict[str, SigningKey] = {}
        for entry in jwks["keys"]:
            if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not isinstance(entry.get("kid"), str):
                continue
            endorsements = entry.get("endorsements")
            keys[entry["kid"]] = SigningKey(
                jwt.PyJWK(entry, algorithm=ALGORITHM).key,
                tuple(e for e in endorsements if isinstance(e, str)) if isinstance(endorsements, list) else None)
        if not keys:
            raise ValueError("the JWKS holds no RSA keys")
        return keys


@dataclass(frozen=True)
class Authenticated:
    claims: dict[str, Any]
    from_emulator: bool

    def claims_identity(self) -> ClaimsIdentity:
        return ClaimsIdentity(self.claims, True, "Bearer")


def activity_tenant(body: Mapping[str, Any]) -> str:
    channel_data = body.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    if not isinstance(tenant_id, str) or not tenant_id:
        conversation = body.get("conversation")
        tenant_id = conversation.get("tenantId") if isinstance(conversation, dict) else None
    return tenant_id.strip().lower() if isinstance(tenant_id, str) else ""


class InboundAuthenticator:
    """Checks the Authorization header against the activity (a plain dict, already shape-checked)."""

    def __init__(self, config: InboundAuthConfig, http: Callable[[], aiohttp.ClientSession],
                 clock: Callable[[], float] = time.monotonic):
        self.config = config
        keys = dict(http=http, max_age=config.keys_max_age_seconds, refetch_interval=config.unknown_kid_refetch_seconds,
                    timeout=config.fetch_timeout_seconds, clock=clock)
        self.channel_keys = SigningKeys(config.channel_metadata_url, **keys)
        self.emulator_keys = SigningKeys(config.emulator_metadata_url, **keys)

    async def authenticate(self, authorization: str, body: Mapping[str, Any]) -> Authenticated:
        token = bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"unreadable token ({type(error).__name__})") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthenticated(f"algorithm {str(header.get('alg'))[:20]!r} is not {ALGORITHM}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("token names no signing key")
        issuer = unverified.get("iss")
        from_emulator = isinstance(issuer, str) and bool(EMULATOR_ISSUER.match(issuer))
        if from_emulator and not self.config.allow_emulator:
            raise Unauthenticated("emulator token refused (TANDEM_ALLOW_EMULATOR is not set)")
        keys = self.emulator_keys if from_emulator else self.channel_keys
        expected_issuer = issuer if from_emulator else self.config.channel_issuer
        signing_key = await keys.key(kid)
        try:
            claims = jwt.decode(
                token, signing_key.key, algorithms=[ALGORITHM], audience=self.config.app_id, issuer=expected_issuer,
                leeway=self.config.clock_skew_seconds, options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"token rejected ({type(error).__name__})") from None
        if from_emulator and (claims.get("appid") or claims.get("azp")) != self.config.app_id:
            raise Unauthenticated("emulator token was not issued to this bot")
        channel_id = body.get("channelId")
        if signing_key.endorsements is not None and channel_id not in signing_key.endorsements:
            raise Unauthenticated(f"signing key is not endorsed for channel {str(channel_id)[:30]!r}")
        if not from_emulator:
            claimed = claims.get(AuthenticationConstants.SERVICE_URL_CLAIM)
            if not isinstance(claimed, str) or claimed != body.get("serviceUrl"):
                raise Unauthenticated("serviceUrl does not match the token's serviceurl claim")
        tenants = self.config.allowed_tenants
        if tenants and activity_tenant(body) not in tenants:
            raise TenantNotServed(f"tenant {activity_tenant(body)[:40]!r} is not served")
        return Authenticated(claims, from_emulator)


def bearer_token(authorization: str) -> str:
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("no Bearer token in the Authorization header")
    if len(token) > 16 * 1024:
        raise Unauthenticated("token too long")
    return token


def authenticated_request(who: Authenticated, authentication: BotFrameworkAuthentication, audience: str,
                          caller_id: str | None) -> AuthenticateRequestResult:
    """What CloudAdapter.process_activity takes instead of an Authorization header (botbuilder 4.17.1)."""
    identity = who.claims_identity()
    result = AuthenticateRequestResult()
    result.claims_identity = identity
    result.audience = audience
    result.caller_id = None if who.from_emulator else caller_id
    result.connector_factory = authentication.create_connector_factory(identity)
    return result

