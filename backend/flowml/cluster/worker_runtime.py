"""What a worker process knows about its cluster, and how it moves data with the master (ARCHITECTURE.md §6).

A worker has no database credentials: it fetches a dataset once by its SHA-256 over HTTP with its join token and
caches it by hash, and sends out-of-fold predictions back the same way, checked by hash on both ends. Each request
also carries the trial's capability (cluster/signing.py), so the master serves only the data of trials it sent. The
values
come from environment variables that `flowml worker` sets before Celery forks its pool, so every pool process
(prefork or solo) reads the same ones.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import redis

from flowml.cluster.signing import CAPABILITY_HEADER

ENV_MASTER = "FLOWML_WORKER_MASTER"
ENV_TOKEN = "FLOWML_WORKER_TOKEN"
ENV_NAME = "FLOWML_WORKER_NAME"
ENV_CACHE = "FLOWML_WORKER_CACHE"
ENV_BROKER = "FLOWML_WORKER_BROKER"
ENV_EVENTS = "FLOWML_WORKER_EVENTS"
ENV_WORKER_ID = "FLOWML_WORKER_ID"
ENV_EVENT_KEY = "FLOWML_WORKER_EVENT_KEY"

CANCEL_KEY = "flowml:cancel:{job_id}"
# A cancel flag outlives any job that could still be running (the longest budget is hours, not days).
CANCEL_TTL_SECONDS = 2 * 24 * 3600
CANCEL_POLL_SECONDS = 0.5
DOWNLOAD_TIMEOUT_SECONDS = 300.0
CHUNK_BYTES = 1 << 20

log = logging.getLogger(__name__)


class TransferError(RuntimeError):
    """A dataset or artifact could not be moved between a worker and the master."""


@dataclass(frozen=True)
class WorkerRuntime:
    master_url: str
    token: str
    name: str
    cache_dir: Path
    broker_url: str | None
    events_url: str | None = None  # the master's REDIS_URL, where the worker announces the trials it starts
    worker_id: str = ""  # from registration: it and the event key sign those announcements
    event_key: str = ""

    @classmethod
    def from_env(cls) -> WorkerRuntime:
        missing = [k for k in (ENV_MASTER, ENV_TOKEN, ENV_NAME, ENV_CACHE) if not os.environ.get(k)]
        if missing:
            raise RuntimeError(f"not started by `flowml worker`: {', '.join(missing)} not set")
        return cls(
            master_url=os.environ[ENV_MASTER].rstrip("/"),
            token=os.environ[ENV_TOKEN],
            name=os.environ[ENV_NAME],
            cache_dir=Path(os.environ[ENV_CACHE]),
            broker_url=os.environ.get(ENV_BROKER) or None,
            events_url=os.environ.get(ENV_EVENTS) or None,
            worker_id=os.environ.get(ENV_WORKER_ID, ""),
            event_key=os.environ.get(ENV_EVENT_KEY, ""),
        )

    def to_env(self) -> dict[str, str]:
        values = {
            ENV_MASTER: self.master_url,
            ENV_TOKEN: self.token,
            ENV_NAME: self.name,
            ENV_CACHE: str(self.cache_dir),
        }
        if self.broker_url:
            values[ENV_BROKER] = self.broker_url
        if self.events_url:
            values[ENV_EVENTS] = self.events_url
        if self.worker_id and self.event_key:
            values[ENV_WORKER_ID], values[ENV_EVENT_KEY] = self.worker_id, self.event_key
        return values

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def trial_headers(self, capability: str) -> dict[str, str]:
        """The join token says which worker asks; the capability, which of its trials the data is for."""
        return {**self.headers, CAPABILITY_HEADER: capability}

    @property
    def running_dir(self) -> Path:
        """One small JSON file per trial running in this worker's pool: the heartbeat reports them."""
        return self.cache_dir / "running"


def fetch_dataset(runtime: WorkerRuntime, sha256: str, capability: str) -> Path:
    """The dataset's Parquet file in this worker's cache, downloaded the first time.

    From the object store itself when the master hands out a presigned URL (STORAGE_MODE=s3), so a big dataset does
    not pass through the master; from the master when it has none, or when the bucket is out of this worker's reach.
    """
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise TransferError(f"not a SHA-256: {sha256!r}")  # never build a path from anything else
    target = runtime.cache_dir / "datasets" / f"{sha256}.parquet"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    direct = _direct_url(runtime, sha256, capability)
    if direct is not None:
        try:
            _download(direct, {}, target, sha256, "the object store")
            log.info("dataset %s read from the object store", sha256[:12])
            return target
        except (TransferError, httpx.HTTPError) as exc:
            log.warning("dataset %s: cannot read it from the object store (%s); asking the master", sha256[:12], exc)
    url = f"{runtime.master_url}/api/workers/datasets/{sha256}"
    _download(url, runtime.trial_headers(capability), target, sha256, "the master")
    log.info("dataset %s read from the master", sha256[:12])
    return target


def _direct_url(runtime: WorkerRuntime, sha256: str, capability: str) -> str | None:
    """The presigned URL the master offers for this dataset, or None (local storage, or a master without one)."""
    try:
        response = httpx.get(
            f"{runtime.master_url}/api/workers/datasets/{sha256}/source",
            headers=runtime.trial_headers(capability),
            timeout=30.0,
        )
    except httpx.HTTPError:
        return None  # the download from the master below reports an unreachable master in its own words
    if response.status_code != 200:
        return None
    url = response.json().get("url")
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _download(url: str, headers: dict[str, str], target: Path, sha256: str, source: str) -> None:
    """Stream `url` into `target`, which appears only once complete and matching `sha256`."""
    # Several pool processes may fetch the same file at once: each writes its own temp file and the first
    # complete, verified one wins the rename (atomic on one filesystem).
    handle, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        with (
            os.fdopen(handle, "wb") as out,
            httpx.stream("GET", url, headers=headers, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response,
        ):
            if response.status_code != 200:
                response.read()
                raise TransferError(f"{source} refused dataset {sha256[:12]}: {_detail(response)}")
            for chunk in response.iter_bytes(CHUNK_BYTES):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise TransferError(f"dataset {sha256[:12]} from {source} arrived corrupted (checksum mismatch)")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def upload_oof(runtime: WorkerRuntime, job_id: str, trial_number: int, path: Path, capability: str) -> str:
    """Send a trial's out-of-fold predictions to the master, which checks the hash before keeping them; returns
    the hash, which the trial's result declares (cluster/trial_report.py)."""
    body = path.read_bytes()
    sha256 = hashlib.sha256(body).hexdigest()
    headers = {**runtime.trial_headers(capability), "X-Content-SHA256": sha256}
    url = f"{runtime.master_url}/api/workers/oof/{job_id}/{trial_number}"
    response = httpx.put(url, content=body, headers=headers, timeout=DOWNLOAD_TIMEOUT_SECONDS)
    if response.status_code != 200:
        raise TransferError(f"the master refused the out-of-fold predictions: {_detail(response)}")
    return sha256


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))[:300]
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"


class CancelWatcher:
    """Turns the master's cancel flag (a Redis key) into the local cancel file the trial code checks.

    The trial checks its cancel file between folds and boosting rounds; remote workers cannot see the master's
    files, so this thread polls the flag and touches a local one. The master also revokes the task, which kills a
    fold that never reaches a check."""

    def __init__(self, broker_url: str | None, job_id: str, cancel_path: Path) -> None:
        self._client = redis.Redis.from_url(broker_url) if broker_url and broker_url.startswith("redis") else None
        self._key = CANCEL_KEY.format(job_id=job_id)
        self._path = cancel_path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="flowml-cancel-watch", daemon=True)

    def __enter__(self) -> CancelWatcher:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        if self._client is not None:
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)
        if self._client is not None:
            self._client.close()

    def _run(self) -> None:
        assert self._client is not None
        while not self._stop.wait(CANCEL_POLL_SECONDS):
            try:
                if self._client.exists(self._key):
                    self._path.touch()
                    return
            except redis.RedisError:
                continue  # the broker is restarting; the revoke still reaches the task


def set_cancel_flag(client: redis.Redis, job_id: str) -> None:
    client.set(CANCEL_KEY.format(job_id=job_id), "1", ex=CANCEL_TTL_SECONDS)


def clear_cancel_flag(client: redis.Redis, job_id: str) -> None:
    client.delete(CANCEL_KEY.format(job_id=job_id))


class RunningTrial:
    """Marks a trial as running on this worker (a file the heartbeat thread reads) for as long as it runs."""

    def __init__(self, runtime: WorkerRuntime, task_id: str, job_id: str, trial_number: int, algorithm: str) -> None:
        self._path = runtime.running_dir / f"{task_id}.json"
        self._entry = {
            "job_id": job_id,
            "trial_number": trial_number,
            "algorithm": algorithm,
            "since": time.time(),
            "pid": os.getpid(),
        }

    def __enter__(self) -> RunningTrial:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._path.write_text(json.dumps(self._entry))
        return self

    def __exit__(self, *_exc: object) -> None:
        self._path.unlink(missing_ok=True)


def running_trials(runtime: WorkerRuntime) -> list[dict[str, object]]:
    """The trials running in this worker's pool. A pool process killed mid-trial (a revoke, the hard time limit)
    cannot remove its file, so entries whose process is gone are removed here."""
    entries: list[dict[str, object]] = []
    for path in sorted(runtime.running_dir.glob("*.json")):
        try:
            entry = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # finished (and removed) while we listed it
        if not psutil.pid_exists(int(entry.get("pid", 0))):
            path.unlink(missing_ok=True)
            continue
        entries.append(entry)
    return entries
