"""`flowml token create|list|revoke` on the master's database, through typer's CliRunner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flowml.cli.main import app
from flowml.core.settings import get_settings

pytestmark = pytest.mark.db

TOKEN = re.compile(r"^fmw_[A-Za-z0-9_-]{40,}$", re.MULTILINE)


@pytest.fixture(autouse=True)
def master_address(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The address `flowml token create` puts in the worker command it prints."""
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8123")
    get_settings.cache_clear()


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
