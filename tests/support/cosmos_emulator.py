"""The Cosmos DB test server (npm @vercel/cosmosdb-server) behind a loopback proxy that fills its gaps.

The proxy is test set-up, never production code. It
- points the account's endpoint list at itself (the server advertises https://localhost:PORT),
- answers a read of a missing item with 404, as Cosmos DB does (the server answers 500),
- can inject faults (429 with x-ms-retry-after-ms, 503) to test throttling and retries.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.e2e.processes import ROOT, free_port, stop, wait_until_up

SERVER_CLI = ROOT / "node_modules" / "@vercel" / "cosmosdb-server" / "lib" / "cli.js"
ITEM_PATH = re.compile(r"^/dbs/[^/]+/colls/[^/]+/docs/[^/]+/?$")
HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding", "host"}


@dataclass
class Faults:
    """Planned failures: the next `throttle` item requests answer 429, the next `unavailable` answer 503."""

    throttle: int = 0
    unavailable: int = 0
    retry_after_ms: int = 10
    seen: int = 0
    hang_seconds: float = 0.0  # item requests wait this long before being answered (a store gone quiet)


@dataclass
class CosmosEmulator:
    workdir: Path
    server_port: int = field(default_factory=free_port)
    faults: Faults = field(default_factory=Faults)
    requests: int = 0
    process: asyncio.subprocess.Process | None = None
    runner: web.AppRunner | None = None
    port: int = 0

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        log = self.workdir / "cosmosdb-server.log"
        with log.open("a") as out:
            self.process = await asyncio.create_subprocess_exec(
                "node", str(SERVER_CLI), "-p", str(self.server_port), "--no-ssl", stdout=out, stderr=out)
        self.session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]
        await self._wait_for_server(log)

    async def _wait_for_server(self, log: Path) -> None:
        for _ in range(150):
            try:
                async with self.session.get(f"http://127.0.0.1:{self.server_port}/") as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        raise TimeoutError(f"cosmosdb-server did not start:\n{log.read_text()[-2000:]}")

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()
        await self.session.close()
        if self.process:
            await stop(self.process)

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        is_item = "/docs" in request.path
        if is_item and self.faults.throttle > 0:
            self.faults.throttle -= 1
            self.faults.seen += 1
            return web.json_response({"code": "TooManyRequests", "message": "Request rate is large"}, status=429,
                                     headers={"x-ms-retry-after-ms": str(self.faults.retry_after_ms), "x-ms-substatus": "3200"})
        if is_item and self.faults.hang_seconds:
            self.faults.seen += 1
            await asyncio.sleep(self.faults.hang_seconds)
        if is_item and self.faults.unavailable > 0:
            self.faults.unavailable -= 1
            self.faults.seen += 1
            return web.json_response({"code": "ServiceUnavailable", "message": "try later"}, status=503)
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        url = f"http://127.0.0.1:{self.server_port}{request.path_qs}"
        async with self.session.request(request.method, url, data=body, headers=headers) as upstream:
            payload = await upstream.read()
            status = upstream.status
            out_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
        if request.method == "GET" and request.path in ("", "/"):
            payload = self._point_account_at_proxy(payload)
        if status == 500 and request.method in ("GET", "DELETE", "PUT") and ITEM_PATH.match(request.path):
            # The server answers 500 where Cosmos DB answers 404 for an item that does not exist.
            status, payload = 404, json.dumps({"code": "NotFound", "message": "Entity with the specified id does not exist"}).encode()
            out_headers["Content-Type"] = "application/json"
        return web.Response(status=status, body=payload, headers=out_headers)

    def _point_account_at_proxy(self, payload: bytes) -> bytes:
        account = json.loads(payload)
        for key in ("writableLocations", "readableLocations"):
            for location in account.get(key, []):
                location["databaseAccountEndpoint"] = self.endpoint
        return json.dumps(account).encode()
