"""Drives one workflow run on the server, from its job's lease to a final state (the JobManager calls `run` for
jobs of kind "workflow", as it calls the training driver for the others).

The runner (flowml.workflows.runner) decides the order, the caching and the node states; this module gives it the
server's ports:
- a Dataset node reads its upload's stored Parquet, typed by the upload's column kinds;
- an AutoML or clustering Model node's search is a child job (kind "workflow_model") whose trials go through the
  server's executor, so a cluster's workers share them; its rows are stored by hash (services/workflow_tables.py)
  for the workers to fetch, and its trials are recorded as any job's, which makes the node's live leaderboard;
- a Deploy node stores the model package and records it as a served model;
- every node's state is written to the run's row and sent as node_* events on the run's job stream.
Node outputs are cached per workflow under the cache directory: a later run of the same workflow re-executes only
what changed. A run resumed after a restart runs again from that cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from loguru import logger
from sqlmodel import select

from flowml.automl.local_run import LocalPlan, LocalRunSpec, plan_run
from flowml.core.errors import FlowMLError
from flowml.core.workflow_states import NodeState, RunSummary
from flowml.db.tables import Dataset, Job, JobKind, JobStatus, TrainedModel, WorkflowRun
from flowml.db.types import new_id, utcnow
from flowml.engine.algorithms import default_registry
from flowml.engine.features import load_frame
from flowml.engine.metrics import get_metric
from flowml.engine.package import MODEL_FILE
from flowml.engine.run import FileControl, RunCancelled, RunOutcome, RunPorts, run_training
from flowml.engine.types import ProblemType
from flowml.events.schemas import (
    EventType,
    JobData,
    NodeFinishedData,
    NodeProgressData,
    NodeStartedData,
    WorkflowFinishedData,
)
from flowml.services import workflow_tables
from flowml.services.context import AppContext
from flowml.services.datasets import local_parquet
from flowml.services.jobs.driver import claim_lease
from flowml.services.jobs.listener import JobListener
from flowml.services.jobs.packaging import store_package
from flowml.services.jobs.paths import cancel_file, oof_dir
from flowml.services.jobs.views import job_view
from flowml.services.logs import job_log_sink
from flowml.workflows import WorkflowGraph
from flowml.workflows.cache import NodeCache
from flowml.workflows.catalogue import DatasetSettings, DeploySettings, ModelSettings, NodeType
from flowml.workflows.graph import Node
from flowml.workflows.nodes import FittedModel, Table, search_input, searched_model, table_from_frame, write_package
from flowml.workflows.runner import RunnerPorts, WorkflowResult, run_graph

LEASE_SECONDS = 30.0
TICK_SECONDS = 5.0
CANCEL_POLL_SECONDS = 0.5
# Nodes of one run running at once: independent branches overlap, and searches share the executor's slots anyway.
PARALLEL_NODES = 4


def workflow_cache(ctx: AppContext, workflow_id: str) -> Path:
    """Node outputs of a workflow's runs, by content key (flowml.workflows.cache)."""
    return ctx.settings.cache_dir / "workflows" / workflow_id


def summary_of(run: WorkflowRun) -> RunSummary:
    return RunSummary.model_validate(run, from_attributes=True)


async def run(ctx: AppContext, job_id: str, *, resume: bool = False) -> None:
    with job_log_sink(ctx.settings, job_id), logger.contextualize(job_id=job_id):
        if not await claim_lease(ctx, job_id, LEASE_SECONDS):
            logger.info("workflow job {} is driven by another process", job_id)
            return
        started = await _start(ctx, job_id, resume=resume)
        if started is None:
            return
        job, workflow_run = started
        driver = _Driver(ctx, job, workflow_run)
        ticker = asyncio.create_task(_tick(ctx, job_id))
        watcher = asyncio.create_task(driver.watch_cancel())
        try:
            result = await driver.run()
        except asyncio.CancelledError:
            raise  # server shutdown: the job stays running with its lease expiring, and the next start resumes it
        except Exception as exc:
            logger.exception("workflow run failed")
            await driver.finish("cancelled" if driver.cancelled() else "failed", f"{type(exc).__name__}: {exc}")
        else:
            status = "completed" if result.ok else "cancelled" if driver.cancelled() else "failed"
            await driver.finish(status, None if result.ok else _failure(result))
        finally:
            for task in (ticker, watcher):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            cancel_file(ctx, job_id).unlink(missing_ok=True)


async def cancelled_before_start(ctx: AppContext, job: Job) -> None:
    """A run cancelled while its job waited for a slot: every node cancelled, and the run's end told as usual."""
    async with ctx.sessions() as session:
        workflow_run = await session.get(WorkflowRun, job.workflow_run_id) if job.workflow_run_id else None
        if workflow_run is None or workflow_run.status not in ("queued", "running"):
            return
        state = NodeState(status="cancelled", error="the run was cancelled before this node started")
        workflow_run.nodes = {node_id: state.model_dump(mode="json") for node_id in workflow_run.nodes}
        workflow_run.status, workflow_run.finished_at = "cancelled", utcnow()
        session.add(workflow_run)
        await session.commit()
        await session.refresh(workflow_run)
    await ctx.events.emit(EventType.WORKFLOW_FINISHED, job.id, WorkflowFinishedData(run=summary_of(workflow_run)))


async def _start(ctx: AppContext, job_id: str, *, resume: bool) -> tuple[Job, WorkflowRun] | None:
    async with ctx.sessions() as session:
        job = await session.get(Job, job_id)
        if job is None or JobStatus(job.status).is_final or job.workflow_run_id is None:
            return None
        workflow_run = await session.get(WorkflowRun, job.workflow_run_id)
        if workflow_run is None:
            return None
        now = utcnow()
        if resume:
            await _interrupt_searches(session, workflow_run.id)
            job.message = "resumed after a server restart: finished nodes come from the cache"
        else:
            job.started_at = now
            job.message = "running"
        job.status, job.stage, job.heartbeat_at = JobStatus.RUNNING, "searching", now
        job.deadline = now + timedelta(minutes=job.time_budget)
        workflow_run.status, workflow_run.started_at = "running", workflow_run.started_at or now
        session.add(job)
        session.add(workflow_run)
        await session.commit()
        await session.refresh(job)
        await session.refresh(workflow_run)
    await ctx.events.emit(EventType.TRAINING_STARTED, job_id, JobData(job=job_view(job)))
    return job, workflow_run


async def _interrupt_searches(session: Any, run_id: str) -> None:
    """Searches of the run that were going when the server stopped: their nodes run again."""
    query = select(Job).where(Job.workflow_run_id == run_id, Job.kind == JobKind.WORKFLOW_MODEL)
    for child in (await session.exec(query)).all():
        if not JobStatus(child.status).is_final:
            child.status, child.error, child.finished_at = JobStatus.FAILED, "interrupted by a server restart", utcnow()
            session.add(child)


async def _tick(ctx: AppContext, job_id: str) -> None:
    """Renew the lease, so another process takes the run over only when this one is gone."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        async with ctx.sessions() as session:
            row = await session.get(Job, job_id)
            if row is None:
                return
            row.heartbeat_at = utcnow()
            row.lease_expires_at = row.heartbeat_at + timedelta(seconds=LEASE_SECONDS)
            session.add(row)
            await session.commit()


def _failure(result: WorkflowResult) -> str:
    failed = [(node_id, s.error) for node_id, s in result.nodes.items() if s.status == "failed"]
    if not failed:
        return "the run did not finish"
    node_id, error = failed[0]
    more = f" (and {len(failed) - 1} more node(s) failed)" if len(failed) > 1 else ""
    return f"node {node_id!r} failed: {error}{more}"[:1000]


@dataclass
class _Driver:
    ctx: AppContext
    job: Job
    workflow_run: WorkflowRun
    states: dict[str, NodeState] = field(default_factory=dict)
    searches: dict[str, str] = field(default_factory=dict)  # node id -> its search's job id, while it runs
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def cancelled(self) -> bool:
        return cancel_file(self.ctx, self.job.id).exists()

    async def watch_cancel(self) -> None:
        """A cancel of the run reaches its searches' trials: local processes killed, remote ones revoked."""
        # The cancel file may be written by another API process (the one that took the request): polled, not awaited.
        while True:
            if self.cancelled():
                break
            await asyncio.sleep(CANCEL_POLL_SECONDS)
        logger.info("workflow run cancelled; stopping {} search(es)", len(self.searches))
        while True:
            for search_job in list(self.searches.values()):
                cancel_file(self.ctx, search_job).touch()
                if self.ctx.executor is not None:
                    self.ctx.executor.cancel(search_job)
            await asyncio.sleep(CANCEL_POLL_SECONDS)  # a search that starts meanwhile is stopped too

    async def run(self) -> WorkflowResult:
        graph = WorkflowGraph.model_validate(self.workflow_run.graph)
        self.states = {node.id: NodeState(status="queued") for node in graph.nodes}
        datasets = await _ServerDatasets.load(self.ctx, graph)
        ports = RunnerPorts(
            datasets=datasets,
            search=self.search,
            deploy=self.deploy,
            observer=self,
            cancelled=self.cancelled,
            cache=NodeCache(workflow_cache(self.ctx, self.workflow_run.workflow_id)),
            parallel=PARALLEL_NODES,
        )
        return await run_graph(graph, default_registry(), ports)

    # -- observer ------------------------------------------------------------------------------------------------

    async def node_started(self, node_id: str, state: NodeState) -> None:
        self.states[node_id] = state
        await self._save()
        data = NodeStartedData(node_id=node_id, started_at=state.started_at or utcnow())
        await self.ctx.events.emit(EventType.NODE_STARTED, self.job.id, data)

    async def node_finished(self, node_id: str, state: NodeState) -> None:
        previous = self.states.get(node_id)
        if previous is not None and previous.job_id is not None:
            state = state.model_copy(update={"job_id": previous.job_id})
        self.states[node_id] = state
        await self._save()
        event = EventType.NODE_COMPLETED if state.status in ("done", "cached") else EventType.NODE_FAILED
        await self.ctx.events.emit(event, self.job.id, NodeFinishedData(node_id=node_id, state=state))

    async def node_progress(self, node_id: str, search_job: Job) -> None:
        state = self.states[node_id]
        self.states[node_id] = state.model_copy(update={"progress": search_job.progress, "job_id": search_job.id})
        await self._save()
        data = NodeProgressData(
            node_id=node_id,
            progress=search_job.progress,
            message=search_job.message,
            job_id=search_job.id,
            n_trials=search_job.n_trials,
            best_score=search_job.best_score,
            best_algorithm=search_job.best_algorithm,
        )
        await self.ctx.events.emit(EventType.NODE_PROGRESS, self.job.id, data)

    async def _save(self) -> None:
        async with self.lock, self.ctx.sessions() as session:
            row = await session.get(WorkflowRun, self.workflow_run.id)
            if row is None:
                return
            row.nodes = {node_id: s.model_dump(mode="json") for node_id, s in self.states.items()}
            session.add(row)
            await session.commit()

    async def finish(self, status: str, error: str | None) -> None:
        job_status = {"completed": JobStatus.COMPLETED, "cancelled": JobStatus.CANCELLED}.get(status, JobStatus.FAILED)
        now = utcnow()
        ended = self.workflow_run
        async with self.ctx.sessions() as session:
            job = await session.get(Job, self.job.id)
            assert job is not None, "a running job's row is never deleted"
            job.status, job.stage, job.finished_at = job_status, "done", now
            job.message = {"completed": "done", "cancelled": "cancelled by user"}.get(status, "failed")
            job.error, job.lease_owner, job.lease_expires_at = error, None, None
            if job_status is JobStatus.COMPLETED:
                job.progress = 100.0
            session.add(job)
            # None when it went with its workflow meanwhile (deleting a workflow waits for its runs: an admin's SQL).
            row = await session.get(WorkflowRun, self.workflow_run.id)
            if row is not None:
                row.status, row.error, row.finished_at = status, error, now
                if self.states:
                    row.nodes = {node_id: s.model_dump(mode="json") for node_id, s in self.states.items()}
                session.add(row)
            await session.commit()
            if row is not None:
                await session.refresh(row)
                ended = row
        logger.info("workflow run {} {}{}", ended.id, status, f": {error}" if error else "")
        summary = summary_of(ended).model_copy(update={"status": status, "error": error, "finished_at": now})
        await self.ctx.events.emit(EventType.WORKFLOW_FINISHED, self.job.id, WorkflowFinishedData(run=summary))

    # -- searches ------------------------------------------------------------------------------------------------

    async def search(self, node: Node, train: Table, settings: ModelSettings) -> FittedModel:
        """The node's search as a child job whose trials run on the server's executor (pool or cluster)."""
        assert self.ctx.executor is not None, "this process has no executor to run trials"
        prepared = await asyncio.to_thread(search_input, train, settings, workers=0)
        with tempfile.TemporaryDirectory(prefix="flowml-workflow-") as tmp:
            workdir = Path(tmp)
            plan = await asyncio.to_thread(plan_run, prepared.table, prepared.spec, workdir)
            dataset_path = await workflow_tables.keep(self.ctx, plan.table.path, plan.table.sha256)
            started = time.time()
            search_job = await self._search_job(node, settings, plan, prepared.spec.seed)
            self.searches[node.id] = search_job.id
            self.states[node.id] = self.states[node.id].model_copy(update={"job_id": search_job.id, "progress": 0.0})
            try:
                outcome = await self._search(search_job, plan, prepared.spec, dataset_path, workdir, started)
            except BaseException as exc:
                await self._end_search(search_job.id, exc)
                raise
            finally:
                self.searches.pop(node.id, None)
                await asyncio.to_thread(shutil.rmtree, oof_dir(self.ctx, search_job.id), True)
            await self._end_search(search_job.id, None)
            return await asyncio.to_thread(
                searched_model, Path(outcome.location), settings.mode, outcome, prepared.renames
            )

    async def _search_job(self, node: Node, settings: ModelSettings, plan: LocalPlan, seed: int) -> Job:
        label = node.data.get("label")
        now = utcnow()
        search_job = Job(
            kind=JobKind.WORKFLOW_MODEL,
            workflow_id=self.job.workflow_id,
            workflow_run_id=self.workflow_run.id,
            name=f"{self.job.name}: {label if isinstance(label, str) else node.id}"[:255],
            dataset_id=self.job.dataset_id,
            dataset_sha256=plan.table.sha256,
            target_column=plan.table.data.plan.target,
            problem_type=plan.table.problem.value,
            metric=plan.metric.name,
            time_budget=settings.time_budget_s / 60,
            algorithms=plan.algorithms,
            seed=seed,
            status=JobStatus.RUNNING,
            stage="searching",
            message=f"searching {len(plan.algorithms)} algorithms",
            owner_id=self.job.owner_id,
            project_id=self.job.project_id,
            started_at=now,
            deadline=now + timedelta(seconds=settings.time_budget_s),
            validation=plan.table.data.validation.value,
            # Driven by its run, not by the job manager: the lease is the run's.
            lease_owner=self.ctx.instance_id,
        )
        async with self.ctx.sessions() as session:
            session.add(search_job)
            await session.commit()
            await session.refresh(search_job)
        return search_job

    async def _search(
        self, search_job: Job, plan: LocalPlan, spec: LocalRunSpec, dataset_path: Path, workdir: Path, started: float
    ) -> RunOutcome:
        assert self.ctx.executor is not None
        spec = replace(spec, started_at=started)
        request = plan.request(spec, job_id=search_job.id, dataset_path=dataset_path)
        ports = RunPorts(
            executor=self.ctx.executor,
            storage=_SearchStorage(self.ctx, search_job.id, workdir / "package"),
            events=_NodeListener(self, search_job),
            control=FileControl(cancel_path=str(cancel_file(self.ctx, search_job.id))),
            registry=default_registry(),
        )
        if self.cancelled():
            raise RunCancelled()
        return await run_training(request, ports)

    async def _end_search(self, search_job_id: str, exc: BaseException | None) -> None:
        if isinstance(exc, asyncio.CancelledError):
            return  # a server shutdown: the resumed run marks it interrupted
        async with self.ctx.sessions() as session:
            row = await session.get(Job, search_job_id)
            if row is None:
                return
            if exc is None:
                row.status, row.progress, row.message = JobStatus.COMPLETED, 100.0, "done"
            elif isinstance(exc, RunCancelled) or self.cancelled():
                row.status, row.message = JobStatus.CANCELLED, "cancelled"
            else:
                row.status, row.message = JobStatus.FAILED, "failed"
                row.error = exc.message if isinstance(exc, FlowMLError) else f"{type(exc).__name__}: {exc}"
            row.stage, row.finished_at, row.lease_owner = "done", utcnow(), None
            session.add(row)
            await session.commit()
        cancel_file(self.ctx, search_job_id).unlink(missing_ok=True)

    # -- deploy --------------------------------------------------------------------------------------------------

    async def deploy(self, node: Node, model: FittedModel, settings: DeploySettings) -> dict[str, Any]:
        """Store the node's model as a served model: the predict endpoints and ONNX export find it like any other."""
        model_id = new_id()
        name = (settings.name or f"{self.job.name}: {node.id}")[:255]
        with tempfile.TemporaryDirectory(prefix="flowml-deploy-") as tmp:
            directory = Path(tmp)
            written = await asyncio.to_thread(write_package, model, directory)
            sha256 = str(written["model_sha256"])
            size = (directory / MODEL_FILE).stat().st_size
            await store_package(self.ctx, model_id, directory)
        card = model.card
        async with self.ctx.sessions() as session:
            session.add(
                TrainedModel(
                    id=model_id,
                    job_id=self.job.id,
                    owner_id=self.job.owner_id,
                    project_id=self.job.project_id,
                    dataset_id=self.job.dataset_id,
                    algorithm=card.algorithm,
                    problem_type=model.model.problem_type.value,
                    target=card.target,
                    metric=card.metric,
                    cv_score=card.cv_score,
                    sha256=sha256,
                    size_bytes=size,
                    storage_prefix=f"models/{model_id}",
                    classes=card.classes,
                    feature_importance=dict(card.feature_importance or {}),
                    card=card.to_dict(),
                    name=name,
                )
            )
            await session.commit()
        return {"model_id": model_id, "name": name}


@dataclass(frozen=True)
class _SearchStorage:
    """A search's out-of-fold predictions where workers upload them (the search job's folder); its package in the
    run's scratch folder, loaded as the node's model (Deploy stores it, if the graph says so)."""

    ctx: AppContext
    job_id: str
    package: Path

    def oof_dir(self) -> Path:
        return oof_dir(self.ctx, self.job_id)

    def package_dir(self) -> Path:
        return self.package.resolve()

    async def keep(self, package_dir: Path) -> str:
        return str(package_dir)


class _NodeListener(JobListener):
    """The search job's trials and progress, recorded as any job's, and told to the run as node_progress."""

    def __init__(self, driver: _Driver, search_job: Job) -> None:
        super().__init__(driver.ctx, search_job.id, get_metric(search_job.metric, ProblemType(search_job.problem_type)))
        self.driver = driver
        self.node_id = next(n for n, j in driver.searches.items() if j == search_job.id)
        self._told = 0.0

    async def progress(self, progress: float, stage: str, message: str) -> None:
        had_trial = self._pending_trial is not None
        await super().progress(progress, stage, message)
        now = time.monotonic()
        if not had_trial and now - self._told < 2.0:
            return
        self._told = now
        async with self.ctx.sessions() as session:
            row = await session.get(Job, self.job_id)
        if row is not None:
            await self.driver.node_progress(self.node_id, row)


class _ServerDatasets:
    """DatasetSource from uploads: each Dataset node's Parquet fetched before the run (the runner reads in threads,
    without the database)."""

    def __init__(self, rows: dict[str, tuple[Dataset, Path]]) -> None:
        self.rows = rows

    @classmethod
    async def load(cls, ctx: AppContext, graph: WorkflowGraph) -> _ServerDatasets:
        rows: dict[str, tuple[Dataset, Path]] = {}
        for node in graph.nodes:
            if node.type is not NodeType.DATASET:
                continue
            dataset_id = DatasetSettings.model_validate(node.data.get("settings") or {}).dataset_id
            if dataset_id is None or dataset_id in rows:
                continue
            async with ctx.sessions() as session:
                dataset = await session.get(Dataset, dataset_id)
            if dataset is not None:  # a dataset deleted since validation fails its node, with the reason
                rows[dataset_id] = (dataset, await local_parquet(ctx, dataset))
        return cls(rows)

    def _row(self, settings: DatasetSettings) -> tuple[Dataset, Path]:
        if settings.dataset_id is None or settings.dataset_id not in self.rows:
            raise FlowMLError(f"dataset {settings.dataset_id} not found (deleted since the run was started?)")
        return self.rows[settings.dataset_id]

    def content_hash(self, settings: DatasetSettings) -> str:
        return self._row(settings)[0].sha256

    def read(self, settings: DatasetSettings) -> Table:
        dataset, path = self._row(settings)
        frame = load_frame(str(path))
        kinds = {str(c["name"]): str(c["kind"]) for c in dataset.columns}
        return table_from_frame(frame, kinds, settings.target, notes=[], source=dataset.name)
