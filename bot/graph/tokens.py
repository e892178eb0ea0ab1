"""Graph access tokens from msal: the app's managed identity, or a client secret or certificate.

msal is synchronous and does network I/O (OpenID metadata when the app is built, then the token
endpoint), so every call runs in a worker thread. msal's own token cache decides when to refresh.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Callable

import msal
import requests

from bot.services.calendar import CalendarNotPermitted, CalendarUnavailable
from bot.settings import GraphAuth, GraphSettings

log = logging.getLogger(__name__)

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.DOTALL)


def default_http_client(timeout_seconds: float) -> requests.Session:
    """What msal would build itself, with our timeout (msal leaves retries to the caller)."""
    session = requests.Session()
    session.request = _with_timeout(session.request, timeout_seconds)  # type: ignore[method-assign]
    return session


def _with_timeout(request: Callable[..., Any], timeout_seconds: float) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", timeout_seconds)
        return request(*args, **kwargs)
    return timed


def certificate_credential(settings: GraphSettings) -> dict[str, Any]:
    """msal's client_credential for a certificate: a .pfx/.p12 file, or PEM holding key and certificate."""
    path = settings.certificate_path
    assert path is not None  # GraphSettings.check insists on it in certificate mode
    if path.suffix.lower() in (".pfx", ".p12"):
        credential: dict[str, Any] = {"private_key_pfx_path": str(path), "public_certificate": True}
    else:
        text = path.read_text(encoding="ascii")
        blocks = {match.group(1): match.group(0) for match in _PEM_BLOCK.finditer(text)}
        key = next((block for kind, block in blocks.items() if kind.endswith("PRIVATE KEY")), "")
        certificate = blocks.get("CERTIFICATE", "")
        if not key or not certificate:
            raise CalendarNotPermitted(
                f"{path} must hold both the private key and the certificate (PEM), or be a .pfx file")
        credential = {"private_key": key, "public_certificate": certificate}
    if settings.certificate_password:
        credential["passphrase"] = settings.certificate_password
    return credential


class GraphTokens:
    """Bearer tokens for Graph. `http_client` is the requests-like object msal talks through."""

    def __init__(self, settings: GraphSettings, http_client: Any | None = None):
        self._settings = settings
        self._http_client = http_client or default_http_client(settings.timeout_seconds)
        self._cache = msal.TokenCache()
        self._app: msal.ManagedIdentityClient | msal.ConfidentialClientApplication | None = None
        self._one_at_a_time = asyncio.Lock()  # concurrent first requests would each miss msal's cache

    async def token(self) -> str:
        async with self._one_at_a_time:
            if self._app is None:
                self._app = await asyncio.to_thread(self._build)
            result = await asyncio.to_thread(self._acquire, self._app)
        if "access_token" not in result:
            error = result.get("error", "unknown_error")
            detail = result.get("error_description", "")
            if error in ("invalid_client", "unauthorized_client", "invalid_scope", "invalid_grant"):
                raise CalendarNotPermitted(f"Graph token refused ({error}): {detail}".strip())
            raise CalendarUnavailable(f"Graph token not issued ({error}): {detail}".strip())
        return result["access_token"]

    def _build(self) -> msal.ManagedIdentityClient | msal.ConfidentialClientApplication:
        settings = self._settings
        if settings.auth is GraphAuth.MANAGED_IDENTITY:
            identity: msal.SystemAssignedManagedIdentity | msal.UserAssignedManagedIdentity = (
                msal.UserAssignedManagedIdentity(client_id=settings.identity_client_id)
                if settings.identity_client_id else msal.SystemAssignedManagedIdentity())
            return msal.ManagedIdentityClient(identity, http_client=self._http_client, token_cache=self._cache)
        credential: str | dict[str, Any] = (
            settings.client_secret if settings.auth is GraphAuth.CLIENT_SECRET else certificate_credential(settings))
        try:
            # Building the app fetches the authority's OpenID metadata (blocking: we are in a worker thread).
            return msal.ConfidentialClientApplication(
                settings.client_id,
                client_credential=credential,
                authority=f"{settings.authority}/{settings.tenant_id}",
                token_cache=self._cache,
                http_client=self._http_client,
                # Our cache is in memory and per authority: no need to ask the worldwide discovery
                # endpoint for aliases (which a national cloud or a private network may not reach).
                instance_discovery=False,
            )
        except ValueError as error:  # msal's word for an authority or credential it cannot use
            raise CalendarNotPermitted(f"Graph sign-in is misconfigured: {error}") from error
        except requests.RequestException as error:
            raise CalendarUnavailable(f"The sign-in authority could not be reached: {error}") from error

    def _acquire(self, app: msal.ManagedIdentityClient | msal.ConfidentialClientApplication) -> dict[str, Any]:
        try:
            if isinstance(app, msal.ManagedIdentityClient):
                return app.acquire_token_for_client(resource=self._settings.resource)
            return app.acquire_token_for_client(scopes=[f"{self._settings.resource}/.default"])
        except msal.ManagedIdentityError as error:
            raise CalendarNotPermitted(f"The managed identity cannot be used: {error}") from error
        except (requests.RequestException, msal.exceptions.MsalServiceError) as error:
            raise CalendarUnavailable(f"The token endpoint could not be reached: {error}") from error
        except ValueError as error:  # msal could not read the token endpoint's answer
            raise CalendarUnavailable(f"The token endpoint gave an answer msal could not read: {error}") from error
