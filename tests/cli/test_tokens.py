"""`flowml token create|list|revoke` on the master's database, through typer's CliRunner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flowml.cli.main import app
from flowml.core.settings import get_settings
from tests.conftest import drop_test_database, make_test_database_url

pytestmark = pytest.mark.db

TOKEN = re.compile(r"^fmw_[A-Za-z0-9_-]{40,}$", re.MULTILINE)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """FLOWML_HOME in a temporary folder (the SQLite database lands there, or PostgreSQL when the run asks)."""
    home = tmp_path / "home"
    url, dbname = make_test_database_url(tmp_path)
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    monkeypatch.setenv("FLOWML_HOME", str(home))
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    if dbname is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()  # the CLI reads the process-wide settings: make it see this environment
    yield home
    get_settings.cache_clear()
    drop_test_database(dbname)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["token", *args], env={"COLUMNS": "80"})
    return result.exit_code, result.output


def test_create_list_revoke(home: Path) -> None:
    code, out = invoke("create", "--name", "rack-1")
    assert code == 0, out
    secret = TOKEN.search(out)
    assert secret is not None, out
    assert f"flowml worker --master http://127.0.0.1:8123 --token {secret.group(0)}" in out
    assert "listens on 127.0.0.1 only" in out

    code, out = invoke("create", "--name", "rack-2", "--master", "http://master.lan:8000")
    assert code == 0 and "flowml worker --master http://master.lan:8000 --token fmw_" in out

    code, listing = invoke("list")
    assert code == 0 and "rack-1" in listing and "rack-2" in listing and "active" in listing
    assert "fmw_" not in listing  # secrets are never shown again
    token_id = next(re.findall(r"\b[0-9a-f]{32}\b", line) for line in listing.splitlines() if "rack-1" in line)
    assert len(token_id) == 1, listing

    code, out = invoke("revoke", token_id[0])
    assert code == 0 and "Revoked join token rack-1" in out
    code, listing = invoke("list")
    rack_1 = next(line for line in listing.splitlines() if "rack-1" in line)
    assert "revoked" in rack_1 and "active" not in rack_1


def test_revoking_an_unknown_token_is_a_one_line_error(home: Path) -> None:
    code, out = invoke("revoke", "0" * 32)
    assert code == 2
    assert "not found" in out and "Traceback" not in out


def test_the_database_lives_under_flowml_home(home: Path) -> None:
    code, out = invoke("list")
    assert code == 0 and "No join tokens yet" in out
    if not get_settings().DATABASE_URL.startswith("postgresql"):
        assert (home / "flowml.db").exists()
