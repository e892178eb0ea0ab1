"""End-to-end fixtures: the real bot process and the real Agents Playground, on free loopback ports,
with the bot on its embedded store or on Cosmos DB (the npm test server behind a gap-filling proxy)."""

from __future__ import annotations

import aiohttp
import pytest

from tests.e2e.playground import Playground
from tests.e2e.processes import BotProcess, PlaygroundProcess
from tests.support.cosmos_emulator import CosmosEmulator


@pytest.fixture(params=["sqlite", "cosmos"])
async def bot(request, tmp_path):
    emulator = None
    env: dict[str, str] = {}
    if request.param == "cosmos":
        emulator = CosmosEmulator(tmp_path)
        await emulator.start()
        env = {"TANDEM_COSMOS_ENDPOINT": emulator.endpoint, "TANDEM_COSMOS_KEY": "dGVzdC1rZXk=", "TANDEM_COSMOS_DATABASE": "e2e"}
    process = BotProcess(tmp_path, env)
    await process.start()
    yield process
    await process.stop()
    if emulator:
        await emulator.stop()


@pytest.fixture
async def playground(bot, tmp_path):
    process = PlaygroundProcess(tmp_path, bot.endpoint, port=bot.playground_port)
    await process.start()
    async with aiohttp.ClientSession() as http:
        client = Playground(process.base_url, http)
        await client.connect()
        yield client
        await client.close()
    await process.stop()
