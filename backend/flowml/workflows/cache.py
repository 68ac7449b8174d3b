"""Node outputs cached by content: a node's key is a hash of what it is and of everything that reaches it.

`node_key` = sha256 of (the cache format, the node type, its settings as canonical JSON, each input port's
upstream keys, and for a Dataset node the file's own hash). An edit to one node changes its key and so the keys
of everything downstream, and nothing else: a second run re-executes exactly the changed nodes and their
dependents. `NodeCache` keeps each key's outputs as a joblib file in a directory; a file it cannot read is a miss,
never an error (the node simply runs again).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import joblib
from loguru import logger

from flowml import __version__

# Bumped when what a node's output holds changes shape; the library version is part of the key too, so outputs
# pickled by another FlowML (other estimators, other encoders) are never loaded.
CACHE_FORMAT = 1


def node_key(
    node_type: str,
    settings: Mapping[str, Any],
    inputs: Mapping[str, Sequence[str]],
    *,
    file_sha256: str | None = None,
) -> str:
    """The content hash of one node's output. `inputs` maps each input port to its upstream keys, in edge order
    (the order of an evaluation's models is the order of its table's rows)."""
    payload = {
        "format": CACHE_FORMAT,
        "flowml": __version__,
        "type": node_type,
        "settings": settings,
        "inputs": {port: list(keys) for port, keys in sorted(inputs.items())},
        "file": file_sha256,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class NodeCache:
    """Outputs by node key, one joblib file each under `directory` (created on first write)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.joblib"

    def get(self, key: str) -> Any | None:
        """The stored outputs, or None when absent or unreadable."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return joblib.load(path)
        except Exception as exc:  # a truncated or foreign file: run the node again rather than fail the run
            logger.warning("workflow cache entry {} unreadable ({}); recomputing", path.name, type(exc).__name__)
            return None

    def put(self, key: str, outputs: Any) -> None:
        """Store atomically: a run killed mid-write leaves no half file for the next run to trip on."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".joblib")
        try:
            with os.fdopen(handle, "wb") as file:
                joblib.dump(outputs, file, compress=3)
            os.replace(tmp, self._path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
