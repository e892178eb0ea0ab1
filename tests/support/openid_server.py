"""A Bot Framework identity stand-in on loopback, for tests: the channel's and the Emulator's OpenID metadata
and JWKS for RSA keys the test generates (rotatable; the service can go down or be slow), a client-credentials
token endpoint for the bot's outbound tokens, and a helper that mints tokens. Test set-up only."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.loopback import serve_on_loopback

CHANNEL_ISSUER = "https://api.botframework.com"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class KeyPair:
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)
    private: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    endorsements: list[str] | None = field(default_factory=lambda: ["msteams", "webchat"])

    def jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        entry = {"kty": "RSA", "use": "sig", "kid": self.kid, "n": _b64(numbers.n), "e": _b64(numbers.e)}
        if self.endorsements is not None:
            entry["endorsements"] = self.endorsements
        return entry

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid, **(headers or {})})


@dataclass
class Realm:
    """One OpenID metadata document and its JWKS (the channel's, or the Emulator's)."""

    keys: list[KeyPair] = field(default_factory=lambda: [KeyPair()])

    @property
    def current(self) -> KeyPair:
        return self.keys[-1]

    def rotate(self, keep_old: bool = True) -> KeyPair:
        new = KeyPair()
        self.keys = [*self.keys, new] if keep_old else [new]
        return new


@dataclass
class OpenIdServer:
    channel: Realm = field(default_factory=Realm)
    emulator: Realm = field(default_factory=Realm)
    down: bool = False  # the key service answers 503
    delay: float = 0.0  # each metadata/JWKS answer takes this long
    fetches: int = 0  # metadata documents served
    tokens_issued: int = 0
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def channel_metadata_url(self) -> str:
        return f"{self.base}/channel/v1/.well-known/openidconfiguration"

    @property
    def emulator_metadata_url(self) -> str:
        return f"{self.base}/emulator/v2.0/.well-known/openid-configuration"

    @property
    def login_url(self) -> str:
        return f"{self.base}/botframework.com"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{realm}/{version}/.well-known/{document}", self._metadata)
        app.router.add_get("/{realm}/keys", self._jwks)
        app.router.add_post("/botframework.com/oauth2/v2.0/token", self._token)
        self.runner, self.port = await serve_on_loopback(app, access_log=False)

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _slow_or_down(self) -> web.Response | None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.down:
            return web.json_response({"error": "unavailable"}, status=503)
        return None

    async def _metadata(self, request: web.Request) -> web.Response:
        failure = await self._slow_or_down()
        if failure:
            return failure
        self.fetches += 1
        realm = request.match_info["realm"]
        return web.json_response({"issuer": CHANNEL_ISSUER, "jwks_uri": f"{self.base}/{realm}/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def _jwks(self, request: web.Request) -> web.Response:
        failure = await self._slow_or_down()
        if failure:
            return failure
        realm = self.channel if request.match_info["realm"] == "channel" else self.emulator
        return web.json_response({"keys": [key.jwk() for key in realm.keys]})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("grant_type") != "client_credentials" or not form.get("client_secret"):
            return web.json_response({"error": "invalid_client"}, status=401)
        self.tokens_issued += 1
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": f"outbound-{uuid.uuid4().hex}"})


def channel_claims(app_id: str, service_url: str, *, lifetime: int = 3600, now: float | None = None, **overrides: Any) -> dict[str, Any]:
    """The claims of a Bot Framework channel token for `app_id`; `overrides` with None remove a claim."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {"iss": CHANNEL_ISSUER, "aud": app_id, "serviceurl": service_url,
                              "nbf": issued - 60, "iat": issued - 60, "exp": issued + lifetime}
    for name, value in overrides.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


def emulator_claims(app_id: str, tenant: str, *, version: str = "1.0") -> dict[str, Any]:
    issued = int(time.time())
    issuer = f"https://sts.windows.net/{tenant}/" if version == "1.0" else f"https://login.microsoftonline.com/{tenant}/v2.0"
    return {"iss": issuer, "aud": app_id, "appid": app_id, "azp": app_id, "tid": tenant, "ver": version,
            "nbf": issued - 60, "iat": issued - 60, "exp": issued + 3600}
