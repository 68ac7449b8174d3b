"""Fixtures shared by the security tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loguru import logger


@pytest.fixture
def warnings_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """loguru's warnings, captured by pytest's caplog."""
    sink = logger.add(caplog.handler, level="WARNING", format="{message}")
    try:
        yield caplog
    finally:
        logger.remove(sink)
