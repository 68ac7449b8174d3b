"""Shared fixtures. Service-backed tests skip when the service is absent, and fail instead under CI=true."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATASETS = REPO_ROOT.parent / "shared" / "datasets"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Keep numeric libraries from fighting over the 2 cores the tests run on.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, host: str, port: int) -> None:
    """Skip (locally) or fail (CI) when nothing listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return
    except OSError:
        message = f"{name} is not reachable on {host}:{port}"
        if in_ci():
            pytest.fail(f"{message}; CI must start it (.ci/run)")
        pytest.skip(message)


def dataset_path(name: str) -> Path:
    """A file from ../shared/datasets, or a skip/fail if the checkout has no shared/ beside it."""
    path = SHARED_DATASETS / name
    if not path.exists():
        if in_ci():
            pytest.fail(f"missing shared dataset {path}")
        pytest.skip(f"missing shared dataset {path}")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "flowml-data"
    path.mkdir()
    yield path
