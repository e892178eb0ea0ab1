"""Fixtures for the Teams edge tests."""

from __future__ import annotations

import pytest

from tests.support.connector import FaultyConnector


@pytest.fixture
async def connector():
    """A loopback Bot Connector (a module may override this fixture with its own delays and faults)."""
    connector = FaultyConnector()
    await connector.start()
    yield connector
    await connector.stop()
