"""Headless Chromium driven over the DevTools protocol (a websocket on loopback), for rendering cards.

Chromium is started with its own profile, listening on 127.0.0.1 only, with every host name but
loopback unresolvable, so a page can reach nothing outside this machine. Stopped by its pid.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update",
    "--disable-default-apps", "--disable-features=Translate,MediaRouter,OptimizationHints", "--mute-audio",
    "--allow-file-access-from-files", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-address=127.0.0.1", "--window-size=1000,800", "--hide-scrollbars",
)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Chromium:
    def __init__(self) -> None:
        self.port = free_port()
        # Chromium's helper processes may still be writing to the profile as the main one exits.
        self.profile = tempfile.TemporaryDirectory(prefix="tandem-chromium-", ignore_cleanup_errors=True)
        self.process: asyncio.subprocess.Process | None = None
        self.http: aiohttp.ClientSession | None = None
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> "Chromium":
        binary = chromium_path()
        if binary is None:
            raise RuntimeError("Chromium is not installed: run scripts/setup.sh (apt-get install -y chromium)")
        self.process = await asyncio.create_subprocess_exec(
            binary, *FLAGS, f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile.name}", "about:blank",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        self.http = aiohttp.ClientSession()
        page = await self._first_page()
        self.socket = await self.http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=64 * 1024 * 1024)
        await self.send("Page.enable")
        await self.send("Runtime.enable")
        return self

    async def _first_page(self) -> dict[str, Any]:
        for _ in range(200):
            if self.process.returncode is not None:
                raise RuntimeError(f"Chromium exited early ({self.process.returncode})")
            try:
                async with self.http.get(f"http://127.0.0.1:{self.port}/json/list") as response:
                    pages = [t for t in await response.json() if t.get("type") == "page"]
                    if pages:
                        return pages[0]
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("Chromium's DevTools endpoint never came up")

    async def __aexit__(self, *exc: object) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.http is not None:
            await self.http.close()
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        self.profile.cleanup()

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        await self.socket.send_str(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads((await self.socket.receive(timeout=60)).data)
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    async def open(self, path: Path) -> None:
        await self.send("Page.navigate", url=path.resolve().as_uri())
        for _ in range(200):
            if await self.evaluate("document.readyState") == "complete":
                return
            await asyncio.sleep(0.05)
        raise RuntimeError(f"{path} never finished loading")

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def screenshot(self, clip: dict[str, float]) -> bytes:
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                               clip={**clip, "scale": 1})
        return base64.b64decode(shot["data"])
