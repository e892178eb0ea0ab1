"""The `store` fixture runs each contract test once per engine in tests/storage/engines.py."""

from __future__ import annotations

import pytest

from tests.storage.engines import ENGINES


@pytest.fixture(params=sorted(ENGINES))
async def opener(request, tmp_path):
    engine = ENGINES[request.param](tmp_path)
    open_store = await engine.__anext__()
    yield open_store
    await engine.aclose()


@pytest.fixture
async def store(opener):
    store = await opener()
    yield store
    await store.close()
