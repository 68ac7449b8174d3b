"""DATA_DIR's folders are private: 0700 for every folder FlowML creates (the database, the signing key, datasets and
models live there), while a folder that already exists, perhaps one the user shares on purpose, keeps its mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flowml.api.app import create_app
from tests.api.conftest import make_settings

pytestmark = pytest.mark.db


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """022, as on most systems: without FlowML's care a new folder would be 0755, readable by every account."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_folder_flowml_creates_under_data_dir_is_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "made-by-flowml" / "data"
    settings = make_settings(data_dir, f"sqlite+aiosqlite:///{data_dir / 'flowml.db'}")
    with TestClient(create_app(settings, with_pool=False)) as client:
        assert client.get("/health").status_code == 200
    folders = [data_dir.parent, data_dir, *(p for p in data_dir.iterdir() if p.is_dir())]
    names = {p.name for p in folders}
    assert {"uploads", "models", "logs", "cache", "artifacts"} <= names, names
    assert {str(p): oct(mode(p)) for p in folders} == {str(p): oct(0o700) for p in folders}
    assert mode(data_dir / "secret_key") == 0o600


def test_an_existing_data_dir_and_its_folders_keep_their_mode(tmp_path: Path) -> None:
    """DATA_DIR=~ or a team's shared folder: FlowML must not lock its owner's other programs or colleagues out."""
    data_dir = tmp_path / "shared"
    (data_dir / "models").mkdir(parents=True)
    data_dir.chmod(0o755)
    (data_dir / "models").chmod(0o750)
    make_settings(data_dir, "sqlite+aiosqlite:///unused.db").ensure_dirs()
    assert (mode(data_dir), mode(data_dir / "models")) == (0o755, 0o750)
    assert mode(data_dir / "uploads") == mode(data_dir / "logs") == mode(data_dir / "cache") == 0o700
