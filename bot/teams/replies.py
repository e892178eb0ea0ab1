"""Replies within an inbound turn: a reply Teams answers 429 (or 502/503/504) is retried as Retry-After says,
within a small budget per turn so the inbound request still answers in time. Proactive sends have their own
policy (bot/teams/delivery.py) and pass straight through."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, List

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ResourceResponse
from botframework.connector.models import ErrorResponseException

from bot.deadline import remaining
from bot.teams.delivery import BACKOFF_STATUSES, retry_after_of, status_of

log = logging.getLogger(__name__)

REPLY_BUDGET_KEY = "tandem.reply_budget"
RETRYABLE = BACKOFF_STATUSES | {429}


@dataclass
class ReplyBudget:
    """How long, in total, one turn may wait for Teams to take its replies."""

    seconds: float = 10.0
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)
    retries: int = 0

    def __post_init__(self) -> None:
        self.started = self.clock()

    def remaining(self) -> float:
        return self.seconds - (self.clock() - self.started)


class ReplyingAdapter(CloudAdapter):
    def __init__(self, *args, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, **kwargs):
        super().__init__(*args, **kwargs)
        self._sleep = sleep

    async def send_activities(self, context: TurnContext, activities: List[Activity]) -> List[ResourceResponse]:
        budget: ReplyBudget | None = context.turn_state.get(REPLY_BUDGET_KEY)
        if budget is None:
            return await super().send_activities(context, activities)
        # One at a time, so a retry never repeats a reply that already arrived.
        responses: list[ResourceResponse] = []
        for activity in activities:
            responses.extend(await self._send_one(context, activity, budget))
        return responses

    async def _send_one(self, context: TurnContext, activity: Activity, budget: ReplyBudget) -> List[ResourceResponse]:
        backoff = 0.25
        while True:
            try:
                return await super().send_activities(context, [activity])
            except ErrorResponseException as error:
                status = status_of(error)
                if status not in RETRYABLE:
                    raise
                wait = retry_after_of(error, backoff) if status == 429 else backoff
                backoff = min(backoff * 2, 4.0)
                turn_left = remaining()  # the turn's own budget, when the reply is sent inside the turn
                if wait > min(budget.remaining(), turn_left if turn_left is not None else budget.remaining()):
                    raise
                budget.retries += 1
                log.info("Teams answered %s to a reply; retrying in %.2fs", status, wait)
                await self._sleep(wait)
