"""End-to-end fixtures: the real bot process and the real Agents Playground, on free loopback ports."""

from __future__ import annotations

import aiohttp
import pytest

from tests.e2e.playground import Playground
from tests.e2e.processes import BotProcess, PlaygroundProcess


@pytest.fixture
async def bot(tmp_path):
    process = BotProcess(tmp_path)
    await process.start()
    yield process
    await process.stop()


@pytest.fixture
async def playground(bot, tmp_path):
    process = PlaygroundProcess(tmp_path, bot.endpoint)
    await process.start()
    async with aiohttp.ClientSession() as http:
        client = Playground(process.base_url, http)
        await client.connect()
        yield client
        await client.close()
    await process.stop()
