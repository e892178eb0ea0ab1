"""Middleware that counts each turn's storage round trips and logs them."""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from botbuilder.core import Middleware, TurnContext

from bot.storage.metered import counting

log = logging.getLogger("tandem.round_trips")
TRIPS_KEY = "tandem.round_trips"


class RoundTripMiddleware(Middleware):
    async def on_turn(self, context: TurnContext, logic: Callable[[], Awaitable]):
        with counting() as trips:
            context.turn_state[TRIPS_KEY] = trips
            await logic()
        log.info("turn %s: %s state reads, %s state writes, %s point reads, %s writes, %s queries",
                 context.activity.type, trips.state_reads, trips.state_writes, trips.point_reads, trips.writes, trips.queries)
