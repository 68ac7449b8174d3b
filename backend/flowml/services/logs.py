"""Per-job log files and reading them back for /api/logs."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from loguru import logger

from flowml.core.errors import NotFoundError
from flowml.core.settings import Settings

MAX_TAIL = 5000
LOG_FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <8} | {message}"


def job_log_path(settings: Settings, job_id: str) -> Path:
    return settings.logs_dir / "jobs" / f"{job_id}.log"


def system_log_path(settings: Settings) -> Path:
    return settings.logs_dir / "flowml.log"


@contextlib.contextmanager
def job_log_sink(settings: Settings, job_id: str) -> Iterator[None]:
    """While the block runs, records bound to this job (logger.contextualize) also go to the job's own file."""
    path = job_log_path(settings, job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    sink = logger.add(path, level="INFO", format=LOG_FORMAT, filter=lambda r: r["extra"].get("job_id") == job_id)
    try:
        yield
    finally:
        logger.remove(sink)


def tail(path: Path, lines: int) -> list[str]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", errors="replace") as handle:
        return [line.rstrip("\n") for line in deque(handle, maxlen=max(1, min(lines, MAX_TAIL)))]


def read_job_log(settings: Settings, job_id: str, lines: int) -> list[str]:
    path = job_log_path(settings, job_id)
    if not path.exists():
        raise NotFoundError(f"no log for job {job_id}")
    return tail(path, lines)
