"""Run a workflow on this machine, without a server: what `flowml workflow run` does.

The run itself (order, caching, states) is runner.py's; this module supplies the local ports: a Dataset node reads
the file its `path` names (relative to the workflow file), a search runs in worker processes of this machine, and a
Deploy node writes its package into the output folder.

Same seeds give the same test scores: a split is seeded by its `seed`, and every model below it is fitted with
that seed. An AutoML search is bounded by its time budget, so how many trials it completes, and so its best
model, can differ between runs on a busy machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flowml.automl.sync import run_sync
from flowml.core.errors import InvalidInputError
from flowml.data.formats import extension_of
from flowml.data.ingest import inspect_file
from flowml.engine.package import file_sha256
from flowml.engine.registry import Registry
from flowml.workflows.cache import NodeCache
from flowml.workflows.catalogue import DatasetSettings, DeploySettings, ModelSettings
from flowml.workflows.graph import Node, WorkflowGraph
from flowml.workflows.nodes import FittedModel, Table, read_dataset, search_locally, write_package
from flowml.workflows.runner import (
    NodeState,
    NodeStatus,
    RunnerPorts,
    WorkflowInvalidError,
    WorkflowResult,
    run_graph,
)
from flowml.workflows.validate import LocatedError, validate

__all__ = [
    "LocalDatasets",
    "NodeState",
    "NodeStatus",
    "WorkflowInvalidError",
    "WorkflowResult",
    "check",
    "execute",
]


class LocalDatasets:
    """DatasetFacts and DatasetSource for a local run: a Dataset node's `path` (relative to `base_dir`) is its
    dataset. The column lists read are kept, so validation reads each file once."""

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._columns: dict[str, list[str] | None] = {}

    def resolve(self, reference: str) -> Path:
        path = Path(reference).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def columns(self, dataset_id: str) -> list[str] | None:
        if dataset_id not in self._columns:
            path = self.resolve(dataset_id)
            try:
                ingested = inspect_file(path, extension=extension_of(path.name)) if path.is_file() else None
            except Exception:  # unreadable or unsupported: validation says "no dataset", the run says why
                ingested = None
            self._columns[dataset_id] = list(ingested.df.columns) if ingested is not None else None
        return self._columns[dataset_id]

    def _path(self, settings: DatasetSettings) -> Path:
        if settings.path is None:
            raise InvalidInputError(
                "a local run reads a file: give the dataset node a path (dataset_id names a server's upload)"
            )
        return self.resolve(settings.path)

    def content_hash(self, settings: DatasetSettings) -> str:
        return file_sha256(self._path(settings))

    def read(self, settings: DatasetSettings) -> Table:
        return read_dataset(self._path(settings), settings.target)


def check(graph: WorkflowGraph, *, base_dir: Path, registry: Registry | None = None) -> list[LocatedError]:
    """Validation for a local run: datasets are files named by `path` (relative to `base_dir`)."""
    return validate(graph, registry or _registry(), LocalDatasets(base_dir))


def execute(
    graph: WorkflowGraph,
    *,
    base_dir: Path,
    cache_dir: Path | None = None,
    output_dir: Path | None = None,
    registry: Registry | None = None,
    workers: int = 1,
) -> WorkflowResult:
    """Validate, then run every node; raises WorkflowInvalidError (with the located errors) on an invalid graph.
    `cache_dir` keeps node outputs between runs; `output_dir` receives Deploy nodes' packages; `workers` is how
    many trial processes a search uses. Nodes run one at a time: a search already uses every worker process."""
    algorithms = registry or _registry()
    datasets = LocalDatasets(base_dir)
    errors = validate(graph, algorithms, datasets)
    if errors:
        raise WorkflowInvalidError(errors)

    async def search(node: Node, train: Table, settings: ModelSettings) -> FittedModel:
        return await search_locally(train, settings, workers=workers)

    async def deploy(node: Node, model: FittedModel, settings: DeploySettings) -> dict[str, Any]:
        if output_dir is None:
            return {"path": None, "note": "no output folder given: nothing written"}
        # Only the last part of the name: a workflow file cannot make a Deploy node write outside the folder.
        folder = Path(settings.name or node.id).name or node.id
        return write_package(model, output_dir / folder)

    ports = RunnerPorts(
        datasets=datasets,
        search=search,
        deploy=deploy,
        cache=NodeCache(cache_dir) if cache_dir else None,
    )
    return run_sync(run_graph(graph, algorithms, ports))


def _registry() -> Registry:
    from flowml.engine.algorithms import default_registry  # builds every algorithm; only when not given one

    return default_registry()
