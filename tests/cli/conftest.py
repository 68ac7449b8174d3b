"""The master's settings for CLI commands that work on its database (`flowml token`, `flowml users`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flowml.core.settings import get_settings
from tests.conftest import drop_test_database, make_test_database_url


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """FLOWML_HOME in a temporary folder (the SQLite database lands there, or PostgreSQL when the run asks)."""
    home = tmp_path / "home"
    url, dbname = make_test_database_url(tmp_path)
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    monkeypatch.setenv("FLOWML_HOME", str(home))
    if dbname is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()  # the CLI reads the process-wide settings: make it see this environment
    yield home
    get_settings.cache_clear()
    drop_test_database(dbname)
