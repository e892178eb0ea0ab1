"""A Bot Connector stand-in on loopback (the service Teams gives the bot as serviceUrl) that records
what it receives and injects faults: 429 with Retry-After, 412/502/503/504, and 403 for a user who
blocked the bot. Test set-up only."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.loopback import serve_on_loopback


@dataclass
class Received:
    conversation_id: str
    activity: dict[str, Any]
    at: float


@dataclass
class FaultyConnector:
    throttle: int = 0  # answer this many requests with 429 first
    retry_after_seconds: float = 0.2
    failures: list[int] = field(default_factory=list)  # then these statuses, in order (412, 502, 503, 504)
    blocked: set[str] = field(default_factory=set)  # conversation ids that answer 403
    delay: float = 0.0  # each accepted request takes this long
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    runner: web.AppRunner | None = None
    port: int = 0
    _next_id: int = 0

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._activity)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._activity)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity_id}", self._update)
        self.runner, self.port = await serve_on_loopback(app)

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def _fault(self, conversation: str) -> web.Response | None:
        self.attempts += 1
        if conversation in self.blocked:
            return web.json_response({"error": {"code": "BotDisabledByAdmin", "message": "blocked"}}, status=403)
        if self.throttle > 0:
            self.throttle -= 1
            return web.json_response({"error": {"code": "Throttled", "message": "slow down"}}, status=429,
                                     headers={"Retry-After": str(self.retry_after_seconds)})
        if self.failures:
            status = self.failures.pop(0)
            return web.json_response({"error": {"code": "ServiceError", "message": "try later"}}, status=status)
        return None

    async def _activity(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        fault = self._fault(conversation)
        if fault:
            return fault
        if self.delay:
            await asyncio.sleep(self.delay)
        self._next_id += 1
        self.received.append(Received(conversation, await request.json(), time.monotonic()))
        return web.json_response({"id": f"m{self._next_id}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        fault = self._fault(request.match_info["conversation"])
        return fault or web.json_response({"id": request.match_info["activity_id"]})

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        member = body["members"][0]["id"]
        fault = self._fault(f"personal-{member}")
        return fault or web.json_response({"id": f"personal-{member}"}, status=201)

    def to(self, conversation_id: str) -> list[Received]:
        return [r for r in self.received if r.conversation_id == conversation_id]


async def _serve(port: int) -> None:
    """Run the connector as its own process (a benchmark's sink must not share the sender's event loop)."""
    connector = FaultyConnector()
    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", connector._activity)
    app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", connector._activity)

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response({"received": len(connector.received), "arrivals": [r.at for r in connector.received]})

    app.router.add_get("/_stats", stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print(f"connector listening on {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import sys

    asyncio.run(_serve(int(sys.argv[1])))
