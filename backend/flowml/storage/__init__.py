"""Artifact storage: the `ArtifactStore` contract, its implementations, and `create_store` choosing one from Settings.

Callers depend on `ArtifactStore` only; `create_store(settings)` is the one place that maps STORAGE_MODE to a class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from flowml.core.settings import Settings
from flowml.storage.base import ArtifactStore, validate_key, validate_prefix
from flowml.storage.local import LocalArtifactStore
from flowml.storage.s3 import S3ArtifactStore

__all__ = [
    "ArtifactStore",
    "LocalArtifactStore",
    "S3ArtifactStore",
    "create_store",
    "local_artifacts_root",
    "validate_key",
    "validate_prefix",
]


def local_artifacts_root(settings: Settings) -> Path:
    """Where the local store keeps its objects: DATA_DIR/artifacts."""
    return settings.DATA_DIR / "artifacts"


def _local(settings: Settings) -> ArtifactStore:
    return LocalArtifactStore(local_artifacts_root(settings))


def _s3(settings: Settings) -> ArtifactStore:
    return S3ArtifactStore(
        settings.S3_BUCKET,
        endpoint_url=settings.S3_ENDPOINT_URL,
        access_key=settings.S3_ACCESS_KEY,
        secret_key=settings.S3_SECRET_KEY,
        region=settings.S3_REGION,
        prefix=settings.S3_PREFIX,
    )


_FACTORIES: Mapping[str, Callable[[Settings], ArtifactStore]] = {"local": _local, "s3": _s3}


def create_store(settings: Settings) -> ArtifactStore:
    """The store STORAGE_MODE names. Builds clients only; call `health()` to check it can be used."""
    factory = _FACTORIES.get(settings.STORAGE_MODE)
    if factory is None:
        allowed = ", ".join(sorted(_FACTORIES))
        raise ValueError(f"unknown STORAGE_MODE {settings.STORAGE_MODE!r}; allowed values: {allowed}")
    return factory(settings)
