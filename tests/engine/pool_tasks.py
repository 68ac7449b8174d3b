"""Tasks the pool tests run in worker processes (importable by spawned children)."""

from __future__ import annotations

import os
import time
from typing import Any


def sleep(payload: dict[str, Any]) -> dict[str, Any]:
    start = time.time()
    time.sleep(float(payload["seconds"]))
    return {"slept": payload["seconds"], "pid": os.getpid(), "start": start, "end": time.time()}


def boom(payload: dict[str, Any]) -> dict[str, Any]:
    raise ValueError(payload.get("message", "boom"))


def die(_payload: dict[str, Any]) -> dict[str, Any]:
    os._exit(3)


def malformed_result(payload: dict[str, Any]) -> dict[str, Any]:
    """A "trial" that answers with a result missing its status and with a score that is not a number."""
    return {"job_id": payload["job_id"], "trial_number": payload["trial_number"], "score": "high"}
