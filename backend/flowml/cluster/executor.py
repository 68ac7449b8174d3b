"""The cluster's TrialExecutor: each trial goes to the best live Celery queue, or to the local pool.

Same two methods as the embedded LocalExecutor (ARCHITECTURE.md section 4), so the search loop does not know
where its trials run. Per trial:
- the router picks a queue from the live workers' queues (GPU tiers for GPU-capable algorithms, `cpu` otherwise,
  `priority` for flagged jobs); with no live worker for it, or no broker reachable, the trial runs locally;
- the task carries soft and hard time limits and an expiry from the trial's deadline, so a late redelivery is
  dropped instead of run twice, and the trial's capability, the worker's pass to its data (cluster/signing.py);
- the result is awaited by polling the result backend; a trial whose worker stops heartbeating, or that no worker
  picks up, is given up (status timeout, so the search re-asks instead of blaming the algorithm);
- a worker's result is checked before it counts (cluster/result_check.py): the trial keeps the algorithm and
  parameters the master sent, and a result that does not check out fails its trial, never the job.
The final fit always runs in the local pool: the orchestrator has the data and writes the package.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow.parquet as pq
import redis
from celery import Celery
from celery.result import AsyncResult
from loguru import logger

from flowml.cluster.celery_app import TRIAL_TASK
from flowml.cluster.result_check import OofLayouts, RejectedReport, accept_report, stored_oof_path
from flowml.cluster.routing import Route, choose_queue, estimate_gpu_bytes
from flowml.cluster.signing import TrialCapability
from flowml.cluster.tasks import TrialTaskPayload
from flowml.cluster.worker_runtime import set_cancel_flag
from flowml.engine.executor import LocalExecutor, unfinished_result
from flowml.engine.plugins import plugins_needed
from flowml.engine.types import Device, FinalResult, FinalSpec, TrialResult, TrialSpec, TrialStatus

POLL_SECONDS = 0.05
# Past its deadline a remote trial gets this long (network, result write) before it is given up.
REMOTE_GRACE_SECONDS = 5.0
# A trial nobody has started after this long is given up: its queue's consumers vanished, or the broker lost it.
PICKUP_PATIENCE_SECONDS = 20.0
REFRESH_SECONDS = 1.0
DISPATCH_SAMPLES = 1000

LiveQueuesFn = Callable[[], Awaitable[dict[str, int]]]
LiveWorkersFn = Callable[[], Awaitable[set[str]]]
StartedHook = Callable[[str, int, str], Awaitable[None]]


@dataclass
class ClusterView:
    """What the executor knows of the cluster, refreshed every REFRESH_SECONDS from the worker registry."""

    queues: dict[str, int] = field(default_factory=dict)  # queue -> summed concurrency of live consumers
    workers: set[str] = field(default_factory=set)  # names of live workers

    @property
    def remote_slots(self) -> int:
        # Every worker consumes `cpu`, so its consumers' concurrency is the cluster's remote capacity.
        return self.queues.get("cpu", 0)


@dataclass
class Dispatch:
    """Seconds from sending each trial to a worker starting it: GET /api/cluster reports the recent ones (the
    cluster benchmark reads its latency percentiles there). Bounded: a long-running master keeps the latest."""

    pickup_seconds: deque[float] = field(default_factory=lambda: deque(maxlen=DISPATCH_SAMPLES))


class ClusterExecutor:
    def __init__(
        self,
        app: Celery,
        local: LocalExecutor,
        *,
        live_queues: LiveQueuesFn,
        live_workers: LiveWorkersFn,
        broker_url: str,
        signing_key: str,
        trials_on_master: bool = True,
        on_started: StartedHook | None = None,
    ) -> None:
        self._app = app
        self._local = local
        self._signing_key = signing_key  # mints each task's trial capability (cluster/signing.py)
        self._live_queues = live_queues
        self._live_workers = live_workers
        self._redis = redis.Redis.from_url(broker_url) if broker_url.startswith("redis") else None
        self._trials_on_master = trials_on_master
        self._on_started = on_started
        self.view = ClusterView()
        self.dispatch = Dispatch()
        self._in_flight: dict[str, set[str]] = {}  # job id -> task ids
        self._cancelled: set[str] = set()
        self._local_busy = 0
        self._layouts = OofLayouts()
        self._refresher: asyncio.Task[None] | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------------

    async def start(self) -> None:
        await self.refresh()
        self._refresher = asyncio.create_task(self._refresh_forever(), name="cluster-view")

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        if self._redis is not None:
            self._redis.close()

    async def refresh(self) -> None:
        self.view = ClusterView(queues=await self._live_queues(), workers=await self._live_workers())

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                await self.refresh()
            except Exception:
                logger.exception("could not refresh the cluster view; keeping the last one")

    # --- TrialExecutor -----------------------------------------------------------------------------------------

    @property
    def capacity(self) -> int:
        local = self._local.capacity if self._trials_on_master or not self.view.remote_slots else 0
        return local + self.view.remote_slots

    async def run_trial(self, spec: TrialSpec) -> TrialResult:
        route = self._route(spec)
        if route.queue is None and not self._trials_on_master:
            # The view is up to REFRESH_SECONDS old: a worker (or one with the plugin) may have joined since. Ask
            # again before refusing the trial or running it here against TRIALS_ON_MASTER=false.
            await self.refresh()
            route = self._route(spec)
        if route.master_only and not self._trials_on_master and self.view.remote_slots:
            # Running it here anyway would override TRIALS_ON_MASTER=false; failing says what to install where.
            return unfinished_result(spec, TrialStatus.FAILED, f"{route.reason}, and this master runs no trials")
        if route.queue is None or spec.dataset_sha256 is None or self._run_here(route):
            return await self._run_local(spec)
        try:
            return await self._run_remote(spec, route)
        except BrokerUnavailable as exc:
            logger.warning("broker unreachable ({}); running trial {} locally", exc, spec.trial_number)
            return await self._run_local(spec)

    async def run_final(self, spec: FinalSpec) -> FinalResult:
        return await self._local.run_final(spec)

    def cancel(self, job_id: str) -> None:
        """Stop the job's trials everywhere: local processes are killed, remote ones see the cancel flag within a
        second (checked between folds and boosting rounds) and are revoked, which kills a fold that never checks."""
        self._cancelled.add(job_id)
        self._local.cancel(job_id)
        if self._redis is not None:
            try:
                set_cancel_flag(self._redis, job_id)
            except redis.RedisError as exc:
                logger.warning("could not set the cancel flag of {}: {}", job_id, exc)
        for task_id in list(self._in_flight.get(job_id, ())):
            self._revoke(task_id)

    # --- routing -----------------------------------------------------------------------------------------------

    def _route(self, spec: TrialSpec) -> Route:
        live = {queue for queue, slots in self.view.queues.items() if slots > 0}
        return choose_queue(
            spec.algorithm,
            live_queues=live,
            estimated_bytes=_estimated_bytes(spec),
            priority=spec.priority,
            plugins=plugins_needed(spec.algorithm, spec.params),
        )

    def _run_here(self, route: Route) -> bool:
        """CPU trials fill the orchestrator's own pool first when it trains too: no network, no pickup delay."""
        if route.device != Device.CPU or not self._trials_on_master:
            return False
        return self._local_busy < self._local.capacity

    async def _run_local(self, spec: TrialSpec) -> TrialResult:
        self._local_busy += 1
        try:
            return await self._local.run_trial(spec.replace(device=Device.CPU))
        finally:
            self._local_busy -= 1

    # --- remote trials -----------------------------------------------------------------------------------------

    async def _run_remote(self, spec: TrialSpec, route: Route) -> TrialResult:
        assert route.queue is not None
        spec = spec.replace(device=route.device)
        assert spec.dataset_sha256 is not None  # run_trial keeps trials without a hash local
        capability = TrialCapability.for_trial(spec.job_id, spec.trial_number, spec.dataset_sha256, spec.deadline)
        payload = TrialTaskPayload(
            spec=spec, dataset_sha256=spec.dataset_sha256, capability=capability.issue(self._signing_key)
        ).model_dump(mode="json")
        limit = max(1.0, spec.deadline - time.time())
        sent_at = time.time()
        try:
            result: AsyncResult = await asyncio.to_thread(
                self._app.send_task,
                TRIAL_TASK,
                args=[payload],
                queue=route.queue,
                soft_time_limit=limit + 1.0,
                time_limit=limit + REMOTE_GRACE_SECONDS,
                # A datetime: Celery reads a number as seconds from now, and an epoch deadline as a number put the
                # expiry decades away, so a late redelivery ran anyway instead of being dropped.
                expires=datetime.fromtimestamp(spec.deadline, tz=UTC),
            )
        except Exception as exc:  # kombu raises OperationalError and friends when the broker is down
            raise BrokerUnavailable(str(exc)) from exc
        self._in_flight.setdefault(spec.job_id, set()).add(result.id)
        try:
            return await self._await(result, spec, sent_at)
        finally:
            tasks = self._in_flight.get(spec.job_id)
            if tasks is not None:
                tasks.discard(result.id)
                if not tasks:
                    self._in_flight.pop(spec.job_id, None)

    async def _await(self, result: AsyncResult, spec: TrialSpec, sent_at: float) -> TrialResult:
        worker: str | None = None
        while True:
            if spec.job_id in self._cancelled:
                self._revoke(result.id)
                return unfinished_result(spec, TrialStatus.CANCELLED, "task was cancelled")
            try:
                state, info = await asyncio.to_thread(_state, result)
            except Exception as exc:  # the result backend is restarting: keep waiting until the deadline
                logger.debug("result backend unreachable: {}", exc)
                state, info = "UNKNOWN", None
            now = time.time()
            if state == "STARTED" and worker is None:
                worker = _worker_name(info)
                self.dispatch.pickup_seconds.append(now - sent_at)
                if self._on_started is not None and worker:
                    await self._on_started(spec.job_id, spec.trial_number, worker)
            if state in ("SUCCESS", "FAILURE", "REVOKED"):
                return _ran_on(await self._finished(spec, state, info, now - sent_at), worker)
            given_up = self._give_up(spec, state, worker, now - sent_at)
            if given_up is not None:
                self._revoke(result.id)
                logger.warning("trial {} of {} given up: {}", spec.trial_number, spec.job_id, given_up)
                return _ran_on(unfinished_result(spec, TrialStatus.TIMEOUT, given_up), worker)
            await asyncio.sleep(POLL_SECONDS)

    def _give_up(self, spec: TrialSpec, state: str, worker: str | None, waited: float) -> str | None:
        if time.time() > spec.deadline + REMOTE_GRACE_SECONDS:
            return "no result by the trial's deadline"
        if worker is not None and worker not in self.view.workers:
            return f"worker {worker} stopped responding"
        if state == "PENDING" and waited > PICKUP_PATIENCE_SECONDS:
            return f"no worker picked the trial up within {PICKUP_PATIENCE_SECONDS:.0f} s"
        return None

    async def _finished(self, spec: TrialSpec, state: str, info: Any, elapsed: float) -> TrialResult:
        if state == "REVOKED":
            if spec.job_id in self._cancelled:
                return unfinished_result(spec, TrialStatus.CANCELLED, "task was revoked")
            # Nobody here revoked it: the worker dropped it (it cancels its trials when it loses the broker, and
            # drops an expired one). A timeout like any trial given up, not "cancelled" in a job nobody cancelled.
            return unfinished_result(
                spec, TrialStatus.TIMEOUT, "the worker dropped the trial (it lost the broker, or the trial expired)"
            )
        if state == "FAILURE":
            # A hard time limit or a crashed pool process: the trial's own code never raises.
            text = f"{type(info).__name__}: {info}" if isinstance(info, BaseException) else str(info)
            status = TrialStatus.TIMEOUT if "TimeLimitExceeded" in text else TrialStatus.FAILED
            return unfinished_result(spec, status, f"on the worker: {text}"[:500])
        return await asyncio.to_thread(self._accept, spec, info, elapsed)

    def _accept(self, spec: TrialSpec, info: Any, elapsed: float) -> TrialResult:
        """The worker's report as far as it checks out (cluster/result_check.py); a report that does not fails
        its trial with the reason. Predictions stored for the trial that the result does not vouch for are removed,
        so nothing (the ensemble, a resumed job) reads them."""
        try:
            result = accept_report(spec, info, elapsed, self._layouts)
        except RejectedReport as exc:
            logger.warning("trial {} of {}: the worker's result was rejected: {}", spec.trial_number, spec.job_id, exc)
            result = unfinished_result(spec, TrialStatus.FAILED, f"the worker's result was rejected: {exc}")
        except Exception as exc:  # a check that broke on hostile input fails the trial too, never the job
            logger.exception("trial {} of {}: could not check the worker's result", spec.trial_number, spec.job_id)
            result = unfinished_result(spec, TrialStatus.FAILED, f"could not check the worker's result: {exc}"[:500])
        stored = stored_oof_path(spec)
        if stored is not None and result.oof_path is None:
            stored.unlink(missing_ok=True)
        return result

    def _revoke(self, task_id: str) -> None:
        try:
            self._app.control.revoke(task_id, terminate=True, signal="SIGKILL")
        except Exception as exc:  # the broker is down: the task's expiry still stops a late delivery
            logger.warning("could not revoke {}: {}", task_id, exc)


class BrokerUnavailable(Exception):
    """The broker refused or could not take a task."""


def _state(result: AsyncResult) -> tuple[str, Any]:
    state = result.state
    return state, result.info if state != "PENDING" else None


def _ran_on(result: TrialResult, worker: str | None) -> TrialResult:
    """The result names the worker Celery saw start the trial: over the default "local" of a result made here
    (given up, revoked, crashed, rejected), which would say the master ran it, and over the name a report claims."""
    if worker is not None:
        result.worker = worker
    return result


def _worker_name(info: Any) -> str | None:
    """Celery reports the node name ('<worker name>@<host>'); workers are registered under '<worker name>'."""
    if not isinstance(info, dict):
        return None
    hostname = str(info.get("hostname") or "")
    return hostname.split("@", 1)[0] or None


def _estimated_bytes(spec: TrialSpec) -> int:
    """A GPU trial's memory from the data's shape (read from the Parquet footer, not the data)."""
    try:
        meta = pq.read_metadata(spec.dataset_path)
        return estimate_gpu_bytes(meta.num_rows, max(1, meta.num_columns - 1))
    except Exception:
        return 0
