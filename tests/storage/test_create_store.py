"""create_store: STORAGE_MODE picks the implementation; an unknown mode names the allowed ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowml.core.settings import Settings
from flowml.storage import LocalArtifactStore, S3ArtifactStore, create_store


def _settings(data_dir: Path, **values: object) -> Settings:
    return Settings(_env_file=None, DATA_DIR=data_dir, **values)  # type: ignore[call-arg]


def test_local_mode_stores_under_data_dir(data_dir: Path) -> None:
    store = create_store(_settings(data_dir, STORAGE_MODE="local"))
    assert isinstance(store, LocalArtifactStore)
    assert store.root == data_dir.resolve() / "artifacts"


def test_s3_mode_uses_the_s3_settings(data_dir: Path, s3_endpoint: str) -> None:
    settings = _settings(
        data_dir,
        STORAGE_MODE="s3",
        S3_ENDPOINT_URL=s3_endpoint,
        S3_BUCKET="flowml-factory",
        S3_ACCESS_KEY="testing",
        S3_SECRET_KEY="testing",
        S3_PREFIX="prod",
    )
    store = create_store(settings)
    assert isinstance(store, S3ArtifactStore)
    assert store.describe() == f"s3://flowml-factory/prod @ {s3_endpoint}"
    store.ensure_bucket()
    store.put_bytes("k", b"v")
    assert create_store(settings).get_bytes("k") == b"v"


def test_unknown_mode_names_allowed_values(data_dir: Path) -> None:
    settings = _settings(data_dir).model_copy(update={"STORAGE_MODE": "ftp"})
    with pytest.raises(ValueError, match=r"'ftp'.*allowed values: local, s3"):
        create_store(settings)
