"""Workflow use-cases: create, list, read, save (with version history), delete, and validate a saved graph.

Who sees and changes a workflow is the one rule of services/access.py, as for datasets: its owner, admins, and the
members of its project (editors and owners to change it). A saved graph must parse as a WorkflowGraph but may be
invalid, because the canvas autosaves drafts half-built; whether it can run is `validate`'s answer.

`version` counts graph revisions: a save whose graph differs from the stored one keeps the old graph in
`workflow_versions` under the old number and bumps it; renaming alone makes no new version. The newest
MAX_KEPT_VERSIONS earlier graphs are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flowml.core.errors import ConflictError, InvalidInputError, NotFoundError
from flowml.db.tables import Dataset, User, Workflow, WorkflowRun, WorkflowVersion
from flowml.db.types import utcnow
from flowml.engine.algorithms import default_registry
from flowml.services import access, history
from flowml.services.context import AppContext
from flowml.services.history import PRIVATE, ListFilters
from flowml.services.inputs import description_text, is_id, item_name, json_storable
from flowml.workflows import GRAPH_FORMAT_VERSION, LocatedError, NodeType, WorkflowGraph, validate

MAX_NAME = 255
MAX_DESCRIPTION = 5000
MAX_KEPT_VERSIONS = 50


@dataclass(frozen=True)
class WorkflowChange:
    """A save: each field None stays as it is. `project_id` moves it only when `move` is set (None then means
    private). `expected_version`, when given, must be the stored version (else another save came first: 409)."""

    name: str | None = None
    description: str | None = None
    graph: WorkflowGraph | None = None
    move: bool = False
    project_id: str | None = None
    expected_version: int | None = None


def clean_name(value: str) -> str:
    return item_name(value, "a workflow name", MAX_NAME)


def clean_description(value: str) -> str:
    return description_text(value, MAX_DESCRIPTION)


def stored_graph(graph: WorkflowGraph) -> dict[str, Any]:
    """The graph as the database keeps it; refused (422) when JSON or the database could not carry it back."""
    if graph.version > GRAPH_FORMAT_VERSION:
        raise InvalidInputError(
            f"graph version {graph.version} is newer than this server reads ({GRAPH_FORMAT_VERSION}); upgrade FlowML"
        )
    # Pydantic lets NaN and Infinity through as positions, and any text through in `data`.
    return json_storable(graph.model_dump(mode="json"), "graph")


def graph_of(workflow: Workflow | WorkflowVersion) -> WorkflowGraph:
    return WorkflowGraph.model_validate(workflow.graph)


async def create(
    ctx: AppContext,
    user: User,
    *,
    name: str,
    description: str = "",
    graph: WorkflowGraph | None = None,
    project_id: str | None = None,
) -> Workflow:
    if project_id is not None:
        await history.check_project_for_work(ctx, user, project_id)
    workflow = Workflow(
        owner_id=user.id,
        project_id=project_id,
        name=clean_name(name),
        description=clean_description(description),
        graph=stored_graph(graph or WorkflowGraph()),
    )
    async with ctx.sessions() as session:
        session.add(workflow)
        await session.commit()
        await session.refresh(workflow)
    return workflow


async def list_for(ctx: AppContext, user: User, filters: ListFilters | None = None) -> list[Workflow]:
    """The workflows `user` may see, last saved first; `q` searches name and description."""
    filters = filters or ListFilters()
    if filters.project_id not in (None, PRIVATE) and not is_id(filters.project_id or ""):
        return []  # names no project (and PostgreSQL cannot compare some strings, e.g. with NUL)
    query = access.only_visible(select(Workflow).order_by(col(Workflow.updated_at).desc()), user, Workflow)
    async with ctx.sessions() as session:
        rows = (await session.exec(filters.where(query, Workflow))).all()
    return [w for w in rows if filters.keep([w.name, w.description], [])]


async def get(ctx: AppContext, user: User, workflow_id: str) -> Workflow:
    """The workflow, or 404 when it does not exist or the user may not see it (the same answer)."""
    async with ctx.sessions() as session:
        return await _visible(ctx, session, user, workflow_id)


async def can_change(ctx: AppContext, user: User, workflow: Workflow) -> bool:
    roles = await access.roles_of(ctx, user)
    return access.can_change(user, workflow.owner_id, workflow.project_id, roles)


async def update(ctx: AppContext, user: User, workflow_id: str, change: WorkflowChange) -> Workflow:
    async with ctx.sessions() as session:
        workflow = await _changeable(ctx, session, user, workflow_id)
        if change.expected_version is not None and change.expected_version != workflow.version:
            raise ConflictError(
                f"workflow {workflow_id} is at version {workflow.version}, not {change.expected_version}: it was "
                "saved elsewhere since you loaded it; reload it (its versions keep what was replaced)"
            )
        if change.move and change.project_id != workflow.project_id:
            await history.check_move(ctx, user, "workflow", workflow.owner_id, change.project_id)
            workflow.project_id = change.project_id
        if change.name is not None:
            workflow.name = clean_name(change.name)
        if change.description is not None:
            workflow.description = clean_description(change.description)
        graph = None if change.graph is None else stored_graph(change.graph)
        try:
            if graph is not None and graph != workflow.graph:
                await _keep_version(session, workflow)
                workflow.graph = graph
                workflow.version += 1
            workflow.updated_at = utcnow()
            session.add(workflow)
            await session.commit()
        except IntegrityError:
            # Another save of the same version kept its graph first (the unique workflow_id + version).
            raise ConflictError(
                f"workflow {workflow_id} was saved elsewhere at the same moment; reload it and save again"
            ) from None
        await session.refresh(workflow)
    return workflow


async def delete_workflow(ctx: AppContext, user: User, workflow_id: str) -> None:
    async with ctx.sessions() as session:
        workflow = await _changeable(ctx, session, user, workflow_id)
        active = select(WorkflowRun.id).where(
            WorkflowRun.workflow_id == workflow.id, col(WorkflowRun.status).in_(["queued", "running"])
        )
        if (await session.exec(active)).first() is not None:
            raise ConflictError(f"workflow {workflow_id} has a run going; cancel it (or let it finish) first")
        # Its runs go with it; their jobs stay in the jobs list, as a training job stays when its dataset goes.
        await session.exec(delete(WorkflowRun).where(col(WorkflowRun.workflow_id) == workflow.id))
        # Explicitly, not only by the foreign key's cascade, which applies only where the database enforces it.
        await session.exec(delete(WorkflowVersion).where(col(WorkflowVersion.workflow_id) == workflow.id))
        await session.delete(workflow)
        await session.commit()


async def versions(ctx: AppContext, user: User, workflow_id: str) -> list[WorkflowVersion]:
    """The earlier graphs, newest first (the current one is the workflow's own)."""
    async with ctx.sessions() as session:
        workflow = await _visible(ctx, session, user, workflow_id)
        query = (
            select(WorkflowVersion)
            .where(WorkflowVersion.workflow_id == workflow.id)
            .order_by(col(WorkflowVersion.version).desc())
        )
        return list((await session.exec(query)).all())


async def version(ctx: AppContext, user: User, workflow_id: str, number: int) -> WorkflowVersion:
    async with ctx.sessions() as session:
        workflow = await _visible(ctx, session, user, workflow_id)
        query = select(WorkflowVersion).where(
            WorkflowVersion.workflow_id == workflow.id, WorkflowVersion.version == number
        )
        found = (await session.exec(query)).first()
    if found is None:
        raise NotFoundError(
            f"workflow {workflow_id} has no kept version {number}; "
            f"its current version is {workflow.version} and the {MAX_KEPT_VERSIONS} before it are kept"
        )
    return found


async def check(ctx: AppContext, user: User, workflow_id: str) -> list[LocatedError]:
    """Every problem in the saved graph, located on its node and field; empty when it can run. Datasets are judged
    as `user` sees them: one they may not see is reported exactly like one that does not exist."""
    workflow = await get(ctx, user, workflow_id)
    graph = graph_of(workflow)
    facts = await visible_columns(ctx, user, _dataset_ids(graph))
    return validate(graph, default_registry(), facts)


@dataclass(frozen=True)
class KnownColumns:
    """DatasetFacts from columns read before validation, which itself is synchronous and never queries."""

    by_dataset: Mapping[str, list[str]]

    def columns(self, dataset_id: str) -> list[str] | None:
        return self.by_dataset.get(dataset_id)


async def visible_columns(ctx: AppContext, user: User, dataset_ids: set[str]) -> KnownColumns:
    wanted = {d for d in dataset_ids if is_id(d)}
    if not wanted:
        return KnownColumns({})
    query = access.only_visible(select(Dataset).where(col(Dataset.id).in_(wanted)), user, Dataset)
    async with ctx.sessions() as session:
        rows = (await session.exec(query)).all()
    return KnownColumns({d.id: [str(c["name"]) for c in d.columns] for d in rows})


def _dataset_ids(graph: WorkflowGraph) -> set[str]:
    """The dataset ids the graph's dataset nodes name (settings not validated yet: anything else is skipped)."""
    ids: set[str] = set()
    for node in graph.nodes:
        settings = node.settings
        if node.type == NodeType.DATASET and isinstance(settings, dict):
            value = settings.get("dataset_id")
            if isinstance(value, str):
                ids.add(value)
    return ids


# ------------------------------------------------------------------------------------------------ helpers


async def _visible(ctx: AppContext, session: AsyncSession, user: User, workflow_id: str) -> Workflow:
    workflow = await session.get(Workflow, workflow_id) if is_id(workflow_id) else None
    if workflow is None:
        raise NotFoundError(f"workflow {workflow_id} not found")
    roles = await access.roles_of(ctx, user)
    access.check_see("workflow", workflow_id, user, workflow.owner_id, workflow.project_id, roles)
    return workflow


async def _changeable(ctx: AppContext, session: AsyncSession, user: User, workflow_id: str) -> Workflow:
    workflow = await _visible(ctx, session, user, workflow_id)
    roles = await access.roles_of(ctx, user)
    access.check_change("workflow", user, workflow.owner_id, workflow.project_id, roles)
    return workflow


async def _keep_version(session: AsyncSession, workflow: Workflow) -> None:
    """The graph about to be replaced, under its version number; the oldest beyond MAX_KEPT_VERSIONS go."""
    session.add(
        WorkflowVersion(
            workflow_id=workflow.id, version=workflow.version, graph=workflow.graph, created_at=workflow.updated_at
        )
    )
    await session.flush()
    kept = (
        select(WorkflowVersion.id)
        .where(WorkflowVersion.workflow_id == workflow.id)
        .order_by(col(WorkflowVersion.version).desc())
        .limit(MAX_KEPT_VERSIONS)
    )
    newest = list((await session.exec(kept)).all())
    await session.exec(
        delete(WorkflowVersion).where(
            col(WorkflowVersion.workflow_id) == workflow.id, col(WorkflowVersion.id).notin_(newest)
        )
    )
