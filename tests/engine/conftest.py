"""Fixtures shared by the engine's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from flowml.engine.executor import LocalExecutor
from flowml.engine.pool import LocalProcessPool


@pytest.fixture
async def executor() -> AsyncIterator[LocalExecutor]:
    """A one-process local pool for a whole training run, closed after the test."""
    pool = LocalProcessPool(1)
    await pool.start()
    try:
        yield LocalExecutor(pool)
    finally:
        await pool.close(graceful=False)
