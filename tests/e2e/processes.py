"""Starting and stopping the real bot and the real Agents Playground on free loopback ports."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.demo import ALEX

ROOT = Path(__file__).resolve().parents[2]
PLAYGROUND_ADMIN = ALEX.aad_object_id  # the Playground's default signed-in user
PLAYGROUND_CLI = ROOT / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_until_up(url: str, process: asyncio.subprocess.Process, log: Path, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as http:
        while asyncio.get_running_loop().time() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
            try:
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{url} did not come up:\n{log.read_text()[-3000:]}")


async def stop(process: asyncio.subprocess.Process) -> None:
    """Stop a process we started, by its process id: politely, then firmly."""
    if process.returncode is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 10)
    except asyncio.TimeoutError:
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()


@dataclass
class BotProcess:
    """`python app.py --local` on the embedded store, restartable on the same port and data file
    (`local=False`: production mode, inbound authentication on, configured through `extra_env`)."""

    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. the Cosmos DB settings
    local: bool = True
    port: int = field(default_factory=free_port)
    playground_port: int = field(default_factory=free_port)  # chosen first: proactive messages go there
    process: asyncio.subprocess.Process | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"

    @property
    def log(self) -> Path:
        return self.workdir / "bot.log"

    async def start(self, clock_offset_minutes: int = 0) -> None:
        env = {**os.environ, **self.extra_env,
               "TANDEM_CLOCK_OFFSET_MINUTES": str(clock_offset_minutes), "TANDEM_SWEEP_SECONDS": "0.5",
               # Tests run at any hour: nudges must not wait for the morning or for Monday.
               "TANDEM_QUIET_HOURS": "off", "TANDEM_WEEKENDS_OFF": "0",
               # The Playground's signed-in user, Alex Wilber, is the administrator who starts the programme.
               "TANDEM_ADMINS": PLAYGROUND_ADMIN}
        if self.local:
            # Local mode keeps no serviceUrl from the (unauthenticated) Playground: proactive messages go here.
            env["TANDEM_LOCAL_SERVICE_URL"] = f"http://127.0.0.1:{self.playground_port}/_connector"
        with self.log.open("a") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "app.py"), *(["--local"] if self.local else []), "--port", str(self.port),
                "--data", str(self.workdir / "tandem.sqlite3"), cwd=ROOT, env=env, stdout=log, stderr=log,
            )
        await wait_until_up(f"http://127.0.0.1:{self.port}/healthz", self.process, self.log)

    @property
    def engine(self) -> str:
        return "cosmos" if "TANDEM_COSMOS_ENDPOINT" in self.extra_env else "sqlite"

    async def health(self) -> dict:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                return await response.json()

    async def stop(self) -> None:
        if self.process:
            await stop(self.process)

    async def restart(self, clock_offset_minutes: int = 0) -> None:
        await self.stop()
        await self.start(clock_offset_minutes)


@dataclass
class PlaygroundProcess:
    workdir: Path
    bot_endpoint: str
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none", "APPLICATION_INSIGHTS_NO_STATSBEAT": "1"}
        log_path = self.workdir / "playground.out"
        shutil.copyfile(ROOT / "infra" / "playground.yml", self.workdir / ".m365agentsplayground.yml")  # as scripts/run.sh
        with log_path.open("a") as log:
            self.process = await asyncio.create_subprocess_exec(
                "node", str(PLAYGROUND_CLI), "--app-endpoint", self.bot_endpoint, "--channel-id", "msteams",
                "--port", str(self.port), "--disable-telemetry", cwd=self.workdir, env=env, stdout=log, stderr=log,
            )
        await wait_until_up(f"{self.base_url}/_internal/v1/config", self.process, log_path)

    async def stop(self) -> None:
        if self.process:
            await stop(self.process)
