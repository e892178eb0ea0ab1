"""A Microsoft Graph and Entra ID stand-in on loopback, for tests: events, getSchedule, mailbox settings,
manager, an authority (OpenID metadata + token endpoint) and an App Service managed identity endpoint.
It records every request, counts requests in flight per mailbox, and injects 429/503/403 faults.

msal insists on https authorities, so `LoopbackHttpClient` (msal's injected http_client) sends whatever
URL msal asks for to this server instead; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from aiohttp import web

from tests.support.loopback import serve_on_loopback

AUTHORITY = "https://login.microsoftonline.com"


@dataclass
class Recorded:
    method: str
    path: str
    mailbox: str
    body: Any
    query: dict[str, str]
    headers: dict[str, str]
    at: float


@dataclass
class FakeGraph:
    tenant: str = "tenant-1"
    identity_header: str = "identity-secret"
    faults: list[tuple[int, float | None]] = field(default_factory=list)  # (status, Retry-After) answered first
    forbidden: set[str] = field(default_factory=set)  # mailboxes outside the application access policy
    forbidden_managers: bool = False  # User.Read.All not consented
    delay: float = 0.0  # each Graph request takes this long (to make requests overlap)
    busy: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # address -> (start, end, status) UTC
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # mailbox -> mailboxSettings doc
    managers: dict[str, dict[str, Any]] = field(default_factory=dict)  # mailbox -> manager user doc
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # object id -> user doc
    groups: dict[str, set[str]] = field(default_factory=dict)  # group id -> member object ids
    forbidden_groups: bool = False  # GroupMember.Read.All not consented
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    issued: set[str] = field(default_factory=set)
    in_flight: dict[str, int] = field(default_factory=dict)
    max_in_flight: dict[str, int] = field(default_factory=dict)
    port: int = 0
    runner: web.AppRunner | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graph_url(self) -> str:
        return f"{self.url}/v1.0"

    @property
    def identity_endpoint(self) -> str:
        return f"{self.url}/msi/token"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/msi/token", self._managed_identity)
        app.router.add_route("*", "/v1.0/users/{mailbox}{rest:.*}", self._graph)
        self.runner, self.port = await serve_on_loopback(app)

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def graph_calls(self, method: str | None = None, suffix: str = "") -> list[Recorded]:
        return [r for r in self.requests if (method is None or r.method == method) and r.path.endswith(suffix)]

    # Entra ID -------------------------------------------------------------------------------------------
    async def _openid(self, request: web.Request) -> web.Response:
        tenant = request.match_info["tenant"]
        base = f"{AUTHORITY}/{tenant}"
        return web.json_response({"authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                                  "token_endpoint": f"{base}/oauth2/v2.0/token",
                                  "issuer": f"{AUTHORITY}/{tenant}/v2.0"})

    def _issue(self) -> str:
        token = f"token-{next(self._ids)}"
        self.issued.add(token)
        return token

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.token_requests.append({k: str(v) for k, v in form.items()})
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        if form.get("client_secret") in (None, "") and not form.get("client_assertion"):
            return web.json_response({"error": "invalid_client", "error_description": "no credential"}, status=401)
        if form.get("client_secret") == "wrong":
            return web.json_response({"error": "invalid_client", "error_description": "AADSTS7000215"}, status=401)
        return web.json_response({"access_token": self._issue(), "expires_in": 3600, "token_type": "Bearer"})

    async def _managed_identity(self, request: web.Request) -> web.Response:
        self.token_requests.append(dict(request.query))
        if request.headers.get("X-IDENTITY-HEADER") != self.identity_header:
            return web.json_response({"statusCode": 401, "message": "bad identity header"}, status=401)
        return web.json_response({"access_token": self._issue(), "expires_on": str(int(time.time()) + 3600),
                                  "resource": request.query.get("resource", ""), "token_type": "Bearer"})

    # Graph ----------------------------------------------------------------------------------------------
    async def _graph(self, request: web.Request) -> web.Response:
        mailbox = request.match_info["mailbox"].lower()
        rest = request.match_info["rest"]
        body = await request.json() if request.can_read_body else None
        self.requests.append(Recorded(request.method, f"/users/{mailbox}{rest}", mailbox, body,
                                      dict(request.query), dict(request.headers), time.monotonic()))
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.issued:
            return _error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
        if self.faults:
            status, retry_after = self.faults.pop(0)
            headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
            return _error(status, "TooManyRequests" if status == 429 else "ServiceUnavailable", "slow down", headers)
        if mailbox in self.forbidden:
            return _error(403, "ErrorAccessDenied", "Access to OData is disabled: application access policy.")
        self.in_flight[mailbox] = self.in_flight.get(mailbox, 0) + 1
        self.max_in_flight[mailbox] = max(self.max_in_flight.get(mailbox, 0), self.in_flight[mailbox])
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            return self._answer(request.method, mailbox, rest, body)
        finally:
            self.in_flight[mailbox] -= 1

    def _answer(self, method: str, mailbox: str, rest: str, body: Any) -> web.Response:
        parts = [part for part in rest.split("/") if part]
        if method == "GET" and not parts:
            user = self.users.get(mailbox)
            return web.json_response(user) if user else _error(404, "Request_ResourceNotFound", "no such user")
        if parts == ["events"] and method == "POST":
            for event in self.events.values():  # transactionId: a retry returns the first event
                if body.get("transactionId") and event.get("transactionId") == body["transactionId"]:
                    return web.json_response(event, status=201)
            event_id = f"event-{next(self._ids)}"
            event = {**body, "id": event_id, "organizer": mailbox, "isCancelled": False,
                     "onlineMeeting": {"joinUrl": f"https://teams.microsoft.com/l/meetup-join/{event_id}"},
                     "webLink": f"https://outlook.office365.com/owa/?itemid={event_id}",
                     "attendees": [{**a, "status": {"response": "none"}} for a in body.get("attendees", [])]}
            self.events[event_id] = event
            return web.json_response(event, status=201)
        if len(parts) >= 2 and parts[0] == "events":
            event = self.events.get(parts[1])
            if event is None or event["organizer"] != mailbox:
                return _error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            if len(parts) == 3 and parts[2] == "cancel" and method == "POST":
                event["isCancelled"] = True
                event["cancelComment"] = body.get("comment", "")
                return web.Response(status=202)
            if method == "PATCH":
                event.update(body)
                return web.json_response(event)
            if method == "GET":
                return web.json_response(event)
        if parts == ["calendar", "getSchedule"] and method == "POST":
            return web.json_response({"value": [
                {"scheduleId": address,
                 "scheduleItems": [{"status": status, "start": {"dateTime": start, "timeZone": "UTC"},
                                    "end": {"dateTime": end, "timeZone": "UTC"}}
                                   for start, end, status in self.busy.get(address.lower(), [])]}
                for address in body["schedules"]]})
        if parts == ["checkMemberGroups"] and method == "POST":
            if self.forbidden_groups:
                return _error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
            return web.json_response({"value": [g for g in body["groupIds"] if mailbox in self.groups.get(g, set())]})
        if parts == ["mailboxSettings"] and method == "GET":
            return web.json_response(self.settings.get(mailbox, {"timeZone": "GMT Standard Time"}))
        if parts == ["manager"] and method == "GET":
            if self.forbidden_managers:
                return _error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
            manager = self.managers.get(mailbox)
            return web.json_response(manager) if manager else _error(404, "Request_ResourceNotFound", "no manager")
        return _error(400, "BadRequest", f"the fake does not know {method} {rest}")


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)


class LoopbackHttpClient(requests.Session):
    """msal's http_client: every URL goes to the fake on loopback; records the threads msal ran on."""

    def __init__(self, fake: FakeGraph):
        super().__init__()
        self._fake = fake
        self.threads: set[int] = set()
        self.urls: list[str] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.threads.add(threading.get_ident())
        self.urls.append(url)
        parts = urlsplit(url)
        local = urlunsplit(("http", f"127.0.0.1:{self._fake.port}", parts.path, parts.query, parts.fragment))
        kwargs.setdefault("timeout", 10)
        return super().request(method, local, *args, **kwargs)
