"""Delivery within Teams' limits: per conversation 7 messages a second and 60 per 30 seconds, per
tenant 50 requests a second. A 429 waits as long as Retry-After says; 412, 502, 503 and 504 back off
with jitter, a bounded number of times; 403 and 404 mean the person removed or blocked the app."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, TypeVar

from aiolimiter import AsyncLimiter
from botframework.connector.models import ErrorResponseException

from bot.services.context import Unreachable

log = logging.getLogger(__name__)
T = TypeVar("T")

BACKOFF_STATUSES = {412, 502, 503, 504}
GONE_STATUSES = {403, 404}


def status_of(error: ErrorResponseException) -> int | None:
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None) or getattr(response, "status", None)


def retry_after_of(error: ErrorResponseException, default: float) -> float:
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    try:
        return max(0.0, float(headers.get("Retry-After", default)))
    except (TypeError, ValueError):
        return default


def window_limiter(limit: int, window: float, burst: int) -> AsyncLimiter:
    """A leaky bucket that never lets more than `limit` through in ANY `window` (sliding): a bucket of
    capacity B draining at r per second passes at most B + r*window in a window, so r = (limit-B)/window."""
    rate = (limit - burst) / window
    return AsyncLimiter(burst, burst / rate)


@dataclass(frozen=True)
class Limits:
    per_conversation_second: int = 7
    per_conversation_30s: int = 60
    per_tenant_second: int = 50
    max_attempts: int = 6
    base_backoff: float = 0.5
    max_backoff: float = 16.0
    max_retry_after: float = 120.0
    tracked_conversations: int = 50_000  # limiters kept for the most recent conversations
    in_flight_per_tenant: int = 16  # requests waiting in the HTTP client would leave in a burst: don't queue them there
    margin: float = 0.85  # pace at 85% of each limit: network jitter bunches requests on arrival


class DeliveryPolicy:
    def __init__(self, limits: Limits = Limits(), sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.limits = limits
        self._sleep = sleep
        self._conversations: OrderedDict[str, tuple[AsyncLimiter, AsyncLimiter]] = OrderedDict()
        self._tenants: dict[str, AsyncLimiter] = {}
        self._in_flight: dict[str, asyncio.Semaphore] = {}
        self.retries = 0

    def _conversation_limiters(self, conversation_id: str) -> tuple[AsyncLimiter, AsyncLimiter]:
        limiters = self._conversations.pop(conversation_id, None) or (
            window_limiter(int(self.limits.per_conversation_second * self.limits.margin), 1, 1),
            window_limiter(int(self.limits.per_conversation_30s * self.limits.margin), 30, self.limits.per_conversation_30s // 3))
        self._conversations[conversation_id] = limiters
        while len(self._conversations) > self.limits.tracked_conversations:
            self._conversations.popitem(last=False)
        return limiters

    async def _wait_for_turn(self, conversation_id: str, tenant_id: str) -> None:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            tenant = self._tenants[tenant_id] = window_limiter(
                int(self.limits.per_tenant_second * self.limits.margin), 1, self.limits.per_tenant_second // 10)
        second, half_minute = self._conversation_limiters(conversation_id)
        await half_minute.acquire()
        await second.acquire()
        await tenant.acquire()

    async def call(self, conversation_id: str, tenant_id: str, request: Callable[[], Awaitable[T]]) -> T:
        """One request to Teams, within the limits, retried as Teams asks; Unreachable if the app is gone."""
        slots = self._in_flight.setdefault(tenant_id, asyncio.Semaphore(self.limits.in_flight_per_tenant))
        for attempt in range(1, self.limits.max_attempts + 1):
            try:
                async with slots:
                    await self._wait_for_turn(conversation_id, tenant_id)
                    return await request()
            except ErrorResponseException as error:
                status = status_of(error)
                if status in GONE_STATUSES:
                    raise Unreachable(conversation_id) from error
                if attempt == self.limits.max_attempts or (status != 429 and status not in BACKOFF_STATUSES):
                    raise
                if status == 429:
                    wait = min(retry_after_of(error, self.limits.base_backoff), self.limits.max_retry_after)
                else:
                    wait = random.uniform(0, min(self.limits.max_backoff, self.limits.base_backoff * 2 ** (attempt - 1)))
                self.retries += 1
                log.info("Teams answered %s for %s; retrying in %.2fs", status, conversation_id, wait)
                await self._sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")
