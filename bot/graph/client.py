"""A small Microsoft Graph client over aiohttp that keeps to Outlook's limits and says why it failed.

Outlook throttles per app per mailbox: at most 4 concurrent requests, and 10,000 requests in 10 minutes.
Each mailbox gets a semaphore and a leaky bucket; 429 and 503 are retried after Retry-After, within bounds
(a wait longer than `max_retry_after` is not slept through: the caller's retry-later path takes over).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Protocol

import aiohttp
from aiolimiter import AsyncLimiter

from bot.services.calendar import CalendarError, CalendarEventGone, CalendarNotPermitted, CalendarUnavailable

log = logging.getLogger(__name__)

RETRYABLE = frozenset({429, 502, 503, 504})


class TokenSource(Protocol):
    async def token(self) -> str: ...


class NotFoundInGraph(CalendarEventGone):
    """Graph answered 404 for this resource."""


@dataclass(frozen=True)
class Limits:
    concurrent_per_mailbox: int = 4
    requests_per_window: int = 10_000
    window_seconds: float = 600.0
    max_attempts: int = 4  # first try plus three retries
    max_retry_after: float = 30.0  # longer waits are left to the scheduler
    default_backoff: float = 1.0  # when a 429/503 carries no Retry-After: 1 s, 2 s, 4 s


@dataclass
class _MailboxGate:
    concurrent: asyncio.Semaphore
    bucket: AsyncLimiter


@dataclass
class GraphClient:
    base_url: str
    tokens: TokenSource
    session: aiohttp.ClientSession
    timeout_seconds: float = 20.0
    limits: Limits = field(default_factory=Limits)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _gates: dict[str, _MailboxGate] = field(default_factory=dict, init=False, repr=False)

    def _gate(self, mailbox: str) -> _MailboxGate:
        key = mailbox.lower()
        gate = self._gates.get(key)
        if gate is None:
            gate = _MailboxGate(asyncio.Semaphore(self.limits.concurrent_per_mailbox),
                                AsyncLimiter(self.limits.requests_per_window, self.limits.window_seconds))
            self._gates[key] = gate
        return gate

    async def call(self, method: str, path: str, *, mailbox: str, body: dict[str, Any] | None = None,
                   params: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """One Graph request against `mailbox`; the JSON answer ({} for 202/204)."""
        gate = self._gate(mailbox)
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        for attempt in range(1, self.limits.max_attempts + 1):
            token = await self.tokens.token()
            request_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                               **(headers or {})}
            await gate.bucket.acquire()
            async with gate.concurrent:
                status, answer, retry_after = await self._send(method, url, body, params, request_headers)
            if status < 300:
                return answer
            error = answer.get("error", {}) if isinstance(answer, dict) else {}
            reason = f"{error.get('code', status)}: {error.get('message', '')}".strip().rstrip(":")
            if status in (401, 403):
                raise CalendarNotPermitted(f"Graph refused {method} {path} for {mailbox} ({status} {reason})")
            if status == 404:
                raise NotFoundInGraph(f"Graph has no {path} ({reason})")
            if status not in RETRYABLE:
                raise CalendarError(f"Graph rejected {method} {path} ({status} {reason})")
            wait = retry_after if retry_after is not None else self.limits.default_backoff * 2 ** (attempt - 1)
            if attempt == self.limits.max_attempts or wait > self.limits.max_retry_after:
                raise CalendarUnavailable(
                    f"Graph is busy ({status} {reason}); asked to wait {wait:g} s after {attempt} attempt(s)")
            log.info("Graph %s on %s %s; retrying in %.1f s", status, method, path, wait)
            await self.sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")

    async def _send(self, method: str, url: str, body: dict[str, Any] | None, params: dict[str, str] | None,
                    headers: dict[str, str]) -> tuple[int, Any, float | None]:
        try:
            async with self.session.request(method, url, json=body, params=params, headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=self.timeout_seconds)) as response:
                text = await response.text()
                answer: Any = {}
                if text and response.content_type == "application/json":
                    answer = await response.json(content_type=None)
                return response.status, answer, _retry_after(response.headers.get("Retry-After"))
        except asyncio.TimeoutError as error:
            raise CalendarUnavailable(f"Graph did not answer {method} within {self.timeout_seconds:g} s") from error
        except aiohttp.ClientError as error:
            raise CalendarUnavailable(f"Graph could not be reached: {error}") from error


def _retry_after(value: str | None) -> float | None:
    """Graph sends whole seconds; an unreadable value is treated as absent."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
