"""Workflows over REST: create, list, read, save (autosave, with version history), delete, and validate.

A saved graph must parse as a WorkflowGraph (React Flow's JSON; a 422 names the field otherwise) but may be
invalid: the canvas saves drafts half-built, and POST /{id}/validate says what stops one from running. Who sees
and changes a workflow is the rule for datasets (services/access.py). POST /{id}/run runs the saved graph as a job
(services/workflow_runs.py); its runs keep the graph they ran and every node's state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep, ManagerDep
from flowml.api.routes.responses import RequestError, error_responses, signed_in
from flowml.core.workflow_states import RunDetail, RunSummary
from flowml.db.tables import Workflow, WorkflowVersion
from flowml.services import workflow_runs, workflows
from flowml.services.history import ListFilters
from flowml.services.workflows import MAX_DESCRIPTION, MAX_KEPT_VERSIONS, MAX_NAME, WorkflowChange
from flowml.workflows import LocatedError, WorkflowGraph
from flowml.workflows.runner import WorkflowInvalidError

router = APIRouter(
    prefix="/api/workflows", tags=["workflows"], dependencies=[Depends(current_user)], responses=signed_in()
)

_NOT_FOUND = {404: "No workflow with this id that the caller may see"}
_CHANGE = {403: "A viewer of the workflow's project (or of the project named to move it into)", **_NOT_FOUND}
_PROJECT = {403: "A viewer of the project named by project_id", 404: "No such project that the caller is in"}


class WorkflowCreate(BaseModel):
    name: str = Field(description=f"1 to {MAX_NAME} characters, trimmed")
    description: str = Field(default="", description=f"At most {MAX_DESCRIPTION} characters")
    graph: WorkflowGraph = Field(default_factory=WorkflowGraph, description="The canvas; default: empty")
    project_id: str | None = Field(default=None, description="A project to share it in (editor or owner role)")


class WorkflowSave(BaseModel):
    """A save: fields left out stay as they are."""

    name: str | None = Field(default=None, description=f"1 to {MAX_NAME} characters, trimmed")
    description: str | None = Field(default=None, description=f"At most {MAX_DESCRIPTION} characters")
    graph: WorkflowGraph | None = Field(
        default=None, description="The whole canvas; a different graph from the stored one makes a new version"
    )
    project_id: str | None = Field(
        default=None, description="Sent: move it into this project (owner or admin); null: make it private"
    )
    base_version: int | None = Field(
        default=None, description="The version this save starts from; when the stored one differs: 409, not saved"
    )


class WorkflowSummary(BaseModel):
    id: str
    name: str
    description: str
    owner_id: str
    project_id: str | None = Field(description="The project it is shared in; null: private")
    version: int = Field(description="1 when created, +1 each time a save changes the graph")
    created_at: datetime
    updated_at: datetime = Field(description="The last save")


class WorkflowOut(WorkflowSummary):
    graph: WorkflowGraph
    can_change: bool = Field(description="Whether the caller may save or delete it (false: a project viewer)")


class WorkflowsOut(BaseModel):
    items: list[WorkflowSummary] = Field(description="Last saved first; without their graphs")
    count: int


class WorkflowVersionSummary(BaseModel):
    version: int
    created_at: datetime = Field(description="When this graph was saved")
    nodes: int = Field(description="How many nodes the graph had")
    edges: int = Field(description="How many edges the graph had")


class WorkflowVersionsOut(BaseModel):
    items: list[WorkflowVersionSummary] = Field(
        description=f"The earlier graphs, newest first (the newest {MAX_KEPT_VERSIONS}); the current one is the "
        "workflow's own"
    )
    count: int


class WorkflowVersionOut(BaseModel):
    version: int
    created_at: datetime = Field(description="When this graph was saved")
    graph: WorkflowGraph


class ValidationOut(BaseModel):
    valid: bool = Field(description="True when nothing stops the graph from running")
    errors: list[LocatedError] = Field(description="Every problem found, each on its node and settings field")


def _summary(workflow: Workflow) -> WorkflowSummary:
    return WorkflowSummary.model_validate(workflow, from_attributes=True)


async def _out(ctx: CtxDep, user: CurrentUser, workflow: Workflow) -> WorkflowOut:
    return WorkflowOut(
        **_summary(workflow).model_dump(),
        graph=workflows.graph_of(workflow),
        can_change=await workflows.can_change(ctx, user, workflow),
    )


def _version_summary(row: WorkflowVersion) -> WorkflowVersionSummary:
    graph = row.graph
    return WorkflowVersionSummary(
        version=row.version,
        created_at=row.created_at,
        nodes=len(graph.get("nodes", [])),
        edges=len(graph.get("edges", [])),
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkflowOut,
    responses=error_responses(400, 403, 404, 422, notes=_PROJECT),
)
async def create_workflow(ctx: CtxDep, user: CurrentUser, body: WorkflowCreate) -> Any:
    """A new workflow of the caller's, private unless `project_id` names a project they may add work to."""
    workflow = await workflows.create(
        ctx, user, name=body.name, description=body.description, graph=body.graph, project_id=body.project_id
    )
    return await _out(ctx, user, workflow)


@router.get("", response_model=WorkflowsOut, responses=error_responses(422))
async def list_workflows(
    ctx: CtxDep,
    user: CurrentUser,
    q: Annotated[str | None, Query(max_length=255, description="Words to find in the name or description")] = None,
    project_id: Annotated[str | None, Query(description='A project id, or "private"')] = None,
) -> Any:
    """The workflows the caller may see: their own, their projects' (everyone's for an admin)."""
    items = [_summary(w) for w in await workflows.list_for(ctx, user, ListFilters(q=q, project_id=project_id))]
    return WorkflowsOut(items=items, count=len(items))


@router.get("/{workflow_id}", response_model=WorkflowOut, responses=error_responses(404, notes=_NOT_FOUND))
async def get_workflow(ctx: CtxDep, user: CurrentUser, workflow_id: str) -> Any:
    return await _out(ctx, user, await workflows.get(ctx, user, workflow_id))


@router.put(
    "/{workflow_id}",
    response_model=WorkflowOut,
    responses=error_responses(
        400, 403, 404, 409, 422, notes={**_CHANGE, 409: "base_version is not the stored version: saved elsewhere"}
    ),
)
async def save_workflow(ctx: CtxDep, user: CurrentUser, workflow_id: str, body: WorkflowSave) -> Any:
    """Save (the canvas autosaves here). A changed graph keeps the replaced one under its version number
    (GET /{id}/versions) and bumps `version`; renaming alone does not."""
    sent = body.model_fields_set
    change = WorkflowChange(
        name=body.name,
        description=body.description,
        graph=body.graph,
        move="project_id" in sent,
        project_id=body.project_id,
        expected_version=body.base_version,
    )
    return await _out(ctx, user, await workflows.update(ctx, user, workflow_id, change))


@router.delete(
    "/{workflow_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404, 409, notes={**_CHANGE, 409: "A run of it is queued or running"}),
)
async def delete_workflow(ctx: CtxDep, user: CurrentUser, workflow_id: str) -> Response:
    """Delete the workflow, its version history and its runs (their jobs stay); refused while a run is going."""
    await workflows.delete_workflow(ctx, user, workflow_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{workflow_id}/versions", response_model=WorkflowVersionsOut, responses=error_responses(404, notes=_NOT_FOUND)
)
async def list_versions(ctx: CtxDep, user: CurrentUser, workflow_id: str) -> Any:
    items = [_version_summary(v) for v in await workflows.versions(ctx, user, workflow_id)]
    return WorkflowVersionsOut(items=items, count=len(items))


@router.get(
    "/{workflow_id}/versions/{version}",
    response_model=WorkflowVersionOut,
    responses=error_responses(404, 422, notes={404: "No such workflow, or that version is not kept"}),
)
async def get_version(
    ctx: CtxDep,
    user: CurrentUser,
    workflow_id: str,
    version: Annotated[int, Path(ge=1, le=2**31 - 1, description="An earlier version number")],
) -> Any:
    """An earlier graph; to go back to it, PUT it as the workflow's graph (which keeps the current one too)."""
    row = await workflows.version(ctx, user, workflow_id, version)
    return WorkflowVersionOut(version=row.version, created_at=row.created_at, graph=workflows.graph_of(row))


@router.post("/{workflow_id}/validate", response_model=ValidationOut, responses=error_responses(404, notes=_NOT_FOUND))
async def validate_workflow(ctx: CtxDep, user: CurrentUser, workflow_id: str) -> Any:
    """Whether the saved graph can run: every problem, located on its node and settings field (a DAG, required
    inputs connected, port types compatible, settings valid, the dataset visible and its target present, a split
    before any evaluation). 200 either way."""
    errors = await workflows.check(ctx, user, workflow_id)
    return ValidationOut(valid=not errors, errors=errors)


# --- runs -------------------------------------------------------------------------------------------------------

_RUN_NOT_FOUND = {404: "No workflow with this id that the caller may see, or no such run of it"}


class RunRequestBody(BaseModel):
    base_version: int | None = Field(
        default=None, description="The version the caller is looking at; when the stored one differs: 409, not run"
    )


class RunStarted(BaseModel):
    run_id: str
    job_id: str = Field(description="The run's job: follow /ws/jobs/{job_id} for node_* events")
    status: str = Field(description="queued: the job manager starts it when a job slot is free")


class InvalidWorkflowOut(RequestError):
    """422: the saved graph cannot run (`errors` locates each problem), or the request itself was malformed (FastAPI's
    list of fields in `detail`, no `errors`)."""

    errors: list[LocatedError] = Field(
        default_factory=list, description="Every problem found in the graph, as POST /{id}/validate reports them"
    )


class RunsOut(BaseModel):
    items: list[RunSummary] = Field(description=f"Newest first (at most {workflow_runs.MAX_LISTED_RUNS})")
    count: int


@router.post(
    "/{workflow_id}/run",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunStarted,
    responses={
        **error_responses(
            400,
            403,
            404,
            409,
            429,
            notes={
                403: "A viewer of the workflow's project",
                404: "No workflow with this id that the caller may see",
                409: "base_version is not the stored version",
                429: "The member already has MAX_QUEUED_JOBS_PER_USER jobs waiting to run",
            },
        ),
        422: {"model": InvalidWorkflowOut, "description": "The saved graph cannot run: every located error"},
    },
)
async def run_workflow(
    ctx: CtxDep, manager: ManagerDep, user: CurrentUser, workflow_id: str, body: RunRequestBody | None = None
) -> Any:
    """Run the saved graph as a job: nodes in dependency order, independent branches at once, searches' trials on
    the server's executor (its workers too), outputs cached so a later run re-executes only what changed."""
    try:
        workflow_run = await workflow_runs.start(
            ctx, user, workflow_id, base_version=body.base_version if body is not None else None
        )
    except WorkflowInvalidError as exc:
        content = InvalidWorkflowOut(detail=exc.message, errors=exc.errors)
        return JSONResponse(status_code=422, content=content.model_dump(mode="json"))
    await manager.submit(workflow_run.job_id)
    return RunStarted(run_id=workflow_run.id, job_id=workflow_run.job_id, status="queued")


@router.get("/{workflow_id}/runs", response_model=RunsOut, responses=error_responses(404, notes=_NOT_FOUND))
async def list_runs(ctx: CtxDep, user: CurrentUser, workflow_id: str) -> Any:
    items = await workflow_runs.list_runs(ctx, user, workflow_id)
    return RunsOut(items=items, count=len(items))


@router.get(
    "/{workflow_id}/runs/{run_id}", response_model=RunDetail, responses=error_responses(404, notes=_RUN_NOT_FOUND)
)
async def get_run(ctx: CtxDep, user: CurrentUser, workflow_id: str, run_id: str) -> Any:
    """The run: the graph it ran and each node's state (status, times, cached, outputs, error)."""
    return await workflow_runs.get_run(ctx, user, workflow_id, run_id)


@router.post(
    "/{workflow_id}/runs/{run_id}/cancel",
    response_model=RunDetail,
    responses=error_responses(
        403, 404, 409, notes={403: "A viewer of the workflow's project", 409: "The run already ended", **_RUN_NOT_FOUND}
    ),
)
async def cancel_run(ctx: CtxDep, manager: ManagerDep, user: CurrentUser, workflow_id: str, run_id: str) -> Any:
    """Stop the run: no node starts any more, running searches stop within a second or two, and every node that
    did not finish is marked cancelled."""
    job_id = await workflow_runs.run_job(ctx, user, workflow_id, run_id)
    await manager.cancel(job_id)
    return await workflow_runs.get_run(ctx, user, workflow_id, run_id)
