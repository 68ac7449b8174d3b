"""GET /api/workflows/{id}/export: a saved workflow as a file to download: its graph as JSON (what the canvas
imports) or YAML (what `flowml workflow run` reads), or a runnable Python script (flowml/workflows/export_python.py).

Who may export is who may read it (services/workflows.py `get`). A script names each uploaded dataset by the file
it was uploaded as, since the person running it has that file, not the server's copy.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from flowml.api.auth import CurrentUser, current_user
from flowml.api.deps import CtxDep
from flowml.api.routes.responses import error_responses, signed_in
from flowml.db.tables import Dataset, User
from flowml.services import access, datasets, workflows
from flowml.services.context import AppContext
from flowml.workflows import NodeType, WorkflowGraph
from flowml.workflows.execute import WorkflowInvalidError
from flowml.workflows.export_python import to_python
from flowml.workflows.files import dump_workflow

router = APIRouter(
    prefix="/api/workflows", tags=["workflows"], dependencies=[Depends(current_user)], responses=signed_in()
)

ExportFormat = Literal["json", "yaml", "python"]
MEDIA_TYPES: dict[str, str] = {"json": "application/json", "yaml": "application/yaml", "python": "text/x-python"}
SUFFIXES: dict[str, str] = {"json": ".json", "yaml": ".yaml", "python": ".py"}
MAX_FILENAME_STEM = 100
_FILE_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment named after the workflow (safe characters only)",
        "content": {
            "application/json": {"schema": {"type": "object", "description": "The graph (format=json)"}},
            "application/yaml": {"schema": {"type": "object", "description": "The graph (format=yaml)"}},
            "text/x-python": {"schema": {"type": "string", "description": "A runnable script (format=python)"}},
        },
    }
}
_NOTES = {
    404: "No workflow with this id that the caller may see",
    422: "An unknown format; or format=python for a graph that cannot run (detail says what, node by node)",
}


@router.get(
    "/{workflow_id}/export",
    response_class=Response,
    responses={**_FILE_CONTENT, **error_responses(404, 422, notes=_NOTES)},
)
async def export_workflow(
    ctx: CtxDep,
    user: CurrentUser,
    workflow_id: str,
    file_format: Annotated[
        ExportFormat,
        Query(alias="format", description="json: the graph; yaml: the graph as a workflow file; python: a script"),
    ] = "json",
) -> Response:
    """The saved workflow as a download. A script needs a graph that can run (as /validate judges it); its Dataset
    nodes read the files the datasets were uploaded as, in the script's folder."""
    workflow = await workflows.get(ctx, user, workflow_id)
    graph = workflows.graph_of(workflow)
    if file_format == "python":
        text = await _script(ctx, user, workflow_id, graph, workflow.name)
    else:
        text = dump_workflow(graph, file_format)
    filename = attachment_name(workflow.name, SUFFIXES[file_format])
    return Response(
        content=text.encode("utf-8"),
        media_type=MEDIA_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def attachment_name(name: str, suffix: str) -> str:
    """The workflow's name as a file name a header and every file system take: letters, digits, `.`, `_`, `-`."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")[:MAX_FILENAME_STEM]
    return f"{stem or 'workflow'}{suffix}"


async def _script(ctx: AppContext, user: User, workflow_id: str, graph: WorkflowGraph, title: str) -> str:
    errors = await workflows.check(ctx, user, workflow_id)
    if errors:  # a script of a graph that cannot run would only fail when run
        raise WorkflowInvalidError(errors)
    paths: dict[str, str] = {}
    notes: dict[str, str] = {}
    used: dict[str, str] = {}  # file name -> the dataset id it stands for: two datasets never share one
    for node_id, dataset_id in _dataset_nodes(graph).items():
        dataset = await _visible_dataset(ctx, user, dataset_id)
        filename = _original_filename(dataset)
        if used.setdefault(filename, dataset.id) != dataset.id:
            path = PurePath(filename)
            filename = f"{path.stem}-{dataset.id[:8]}{path.suffix}"
        paths[node_id] = filename
        notes[node_id] = (
            f"server dataset {dataset.name!r} ({dataset.id}): point this at your copy of the file it was uploaded as"
        )
    return to_python(graph, dataset_paths=paths, dataset_notes=notes, title=title)


def _dataset_nodes(graph: WorkflowGraph) -> dict[str, str]:
    """Dataset node id -> the dataset id it names (validation has passed, so each names one)."""
    found: dict[str, str] = {}
    for node in graph.nodes:
        settings = node.settings
        if node.type == NodeType.DATASET and isinstance(settings, dict) and isinstance(settings.get("dataset_id"), str):
            found[node.id] = settings["dataset_id"]
    return found


async def _visible_dataset(ctx: AppContext, user: User, dataset_id: str) -> Dataset:
    dataset = await datasets.get_dataset(ctx, dataset_id)
    roles = await access.roles_of(ctx, user)
    access.check_see("dataset", dataset_id, user, dataset.owner_id, dataset.project_id, roles)
    return dataset


def _original_filename(dataset: Dataset) -> str:
    """The name it was uploaded under (its last part only), with its format's suffix when a custom name lacks it."""
    name = PurePath(dataset.name.replace("\\", "/")).name or "dataset"
    suffix = f".{dataset.file_format}"
    return name if name.lower().endswith(suffix.lower()) else f"{name}{suffix}"
