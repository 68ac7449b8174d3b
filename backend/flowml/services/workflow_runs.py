"""Workflow runs: start one (a job of kind "workflow" in the job lifecycle), list them, read one, cancel one.

Running needs the right to change the workflow (a project viewer reads runs but cannot start or cancel one) and a
graph that validates as the caller sees the datasets: an invalid one is refused with every located error. The run
keeps a snapshot of the graph it ran, so editing the workflow afterwards changes neither the run nor its results.
"""

from __future__ import annotations

import asyncio

import polars as pl
from sqlmodel import col, select

from flowml.core.errors import ConflictError, ForbiddenError, NotFoundError
from flowml.core.workflow_states import NodeState, RunDetail, RunSummary
from flowml.db.tables import Dataset, Job, JobKind, User, WorkflowRun
from flowml.engine.metrics import default_metric
from flowml.engine.problem import check_target
from flowml.engine.types import ProblemType
from flowml.services import workflows
from flowml.services.context import AppContext
from flowml.services.datasets import local_parquet
from flowml.services.inputs import is_id
from flowml.services.jobs import limits
from flowml.services.workflow_driver import summary_of
from flowml.workflows import NodeType, WorkflowGraph
from flowml.workflows.catalogue import DatasetSettings, ModelSettings
from flowml.workflows.runner import WorkflowInvalidError

# Beyond its searches' budgets, the time a run is given for everything else (reading, splitting, single fits).
RUN_OVERHEAD_MINUTES = 5.0
MAX_LISTED_RUNS = 100


async def start(ctx: AppContext, user: User, workflow_id: str, *, base_version: int | None = None) -> WorkflowRun:
    """Check and record a run of the saved graph; the caller submits its job to the JobManager."""
    workflow = await workflows.get(ctx, user, workflow_id)
    if not await workflows.can_change(ctx, user, workflow):
        raise ForbiddenError(f"you may view workflow {workflow_id} but not run it (a viewer of its project)")
    if base_version is not None and base_version != workflow.version:
        raise ConflictError(
            f"workflow {workflow_id} is at version {workflow.version}, not {base_version}: save it before running"
        )
    errors = await workflows.check(ctx, user, workflow_id)
    if errors:
        raise WorkflowInvalidError(errors)
    graph = workflows.graph_of(workflow)
    dataset, target = await _main_dataset(ctx, graph)
    problem = await _problem(ctx, dataset, target)
    job = Job(
        kind=JobKind.WORKFLOW,
        workflow_id=workflow.id,
        name=f"{workflow.name} (workflow)"[:255],
        dataset_id=dataset.id,
        dataset_sha256=dataset.sha256,
        target_column=target,
        problem_type=problem.value,
        metric=default_metric(problem).name,
        time_budget=_budget_minutes(graph),
        message="waiting for a free job slot",
        owner_id=user.id,
        project_id=workflow.project_id,
    )
    workflow_run = WorkflowRun(
        workflow_id=workflow.id,
        workflow_version=workflow.version,
        job_id=job.id,
        graph=workflow.graph,
        nodes={node.id: NodeState(status="queued").model_dump(mode="json") for node in graph.nodes},
    )
    job.workflow_run_id = workflow_run.id
    async with ctx.sessions() as session:
        await limits.reserve_waiting_place(session, user, ctx.settings.MAX_QUEUED_JOBS_PER_USER)
        session.add(job)
        session.add(workflow_run)
        await session.commit()
        await session.refresh(workflow_run)
    return workflow_run


async def list_runs(ctx: AppContext, user: User, workflow_id: str) -> list[RunSummary]:
    workflow = await workflows.get(ctx, user, workflow_id)
    query = (
        select(WorkflowRun)
        .where(WorkflowRun.workflow_id == workflow.id)
        .order_by(col(WorkflowRun.created_at).desc())
        .limit(MAX_LISTED_RUNS)
    )
    async with ctx.sessions() as session:
        rows = (await session.exec(query)).all()
    return [summary_of(row) for row in rows]


async def get_run(ctx: AppContext, user: User, workflow_id: str, run_id: str) -> RunDetail:
    return detail_of(await _run_row(ctx, user, workflow_id, run_id))


async def run_job(ctx: AppContext, user: User, workflow_id: str, run_id: str) -> str:
    """The id of the run's job, for a cancel; refused for a caller who may not change the workflow."""
    workflow = await workflows.get(ctx, user, workflow_id)
    if not await workflows.can_change(ctx, user, workflow):
        raise ForbiddenError(f"you may view workflow {workflow_id} but not cancel its runs")
    row = await _run_row(ctx, user, workflow_id, run_id)
    if row.status in ("completed", "failed", "cancelled"):
        raise ConflictError(f"run {run_id} already {row.status}; nothing to cancel")
    return row.job_id


def detail_of(row: WorkflowRun) -> RunDetail:
    return RunDetail(
        **summary_of(row).model_dump(),
        graph=row.graph,
        nodes={node_id: NodeState.model_validate(state) for node_id, state in row.nodes.items()},
    )


async def _run_row(ctx: AppContext, user: User, workflow_id: str, run_id: str) -> WorkflowRun:
    workflow = await workflows.get(ctx, user, workflow_id)
    async with ctx.sessions() as session:
        row = await session.get(WorkflowRun, run_id) if is_id(run_id) else None
    if row is None or row.workflow_id != workflow.id:
        raise NotFoundError(f"workflow {workflow_id} has no run {run_id}")
    return row


async def _main_dataset(ctx: AppContext, graph: WorkflowGraph) -> tuple[Dataset, str | None]:
    """The first Dataset node's upload and target: the run's job is recorded against it (validation has checked
    that it exists and that the caller may see it)."""
    for node in graph.nodes:
        if node.type is NodeType.DATASET:
            settings = DatasetSettings.model_validate(node.data.get("settings") or {})
            if settings.dataset_id is None:
                continue
            async with ctx.sessions() as session:
                dataset = await session.get(Dataset, settings.dataset_id)
            if dataset is not None:
                return dataset, settings.target
    raise NotFoundError("the workflow has no dataset node with a dataset")


async def _problem(ctx: AppContext, dataset: Dataset, target: str | None) -> ProblemType:
    if target is None:
        return ProblemType.CLUSTERING
    path = await local_parquet(ctx, dataset)
    column = await asyncio.to_thread(lambda: pl.read_parquet(path, columns=[target])[target].drop_nulls())
    problem, _ = check_target(column.to_pandas(), "auto")
    return problem


def _budget_minutes(graph: WorkflowGraph) -> float:
    """What the run may take: its searches' budgets (as if one after another) plus the rest."""
    seconds = 0.0
    for node in graph.nodes:
        if node.type is NodeType.MODEL:
            settings = ModelSettings.model_validate(node.data.get("settings") or {})
            if settings.mode != "single":
                seconds += settings.time_budget_s
    return round(seconds / 60 + RUN_OVERHEAD_MINUTES, 2)
