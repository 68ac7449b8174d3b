"""Run a workflow on this machine, without a server: what `flowml workflow run` does.

Nodes run in dependency order (the graph's own order among those ready, so a run is repeatable). Each node's
output is keyed by a content hash (cache.node_key: its type, settings, its inputs' keys, and for a Dataset node the
file's hash); with a cache directory, a node whose key was computed before is loaded, not run, and reported as
`cached`, so after an edit only the edited nodes and what depends on them run again. A node that fails marks its
dependents `skipped` and nothing else: independent branches still run. In this slice branches run one after the
other in this process (an AutoML node's trials still use worker processes); running them at the same time is the
server's job.

Same seeds give the same test scores: a split is seeded by its `seed`, and every model below it is fitted with
that seed. An AutoML search is bounded by its time budget, so how many trials it completes, and so its best
model, can differ between runs on a busy machine.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from flowml.core.errors import FlowMLError, InvalidInputError
from flowml.data.formats import extension_of
from flowml.data.ingest import inspect_file
from flowml.engine.package import file_sha256
from flowml.engine.registry import Registry
from flowml.workflows.cache import NodeCache, node_key
from flowml.workflows.catalogue import (
    DatasetSettings,
    DeploySettings,
    EvaluationSettings,
    ModelSettings,
    NodeType,
    PreprocessingSettings,
    SplitSettings,
    VisualizationSettings,
    settings_model,
)
from flowml.workflows.figures import figure
from flowml.workflows.graph import Edge, Node, WorkflowGraph
from flowml.workflows.nodes import (
    FittedModel,
    Table,
    evaluate,
    fit_model,
    preprocess,
    read_dataset,
    split,
    write_package,
)
from flowml.workflows.validate import LocatedError, validate

MAX_ERROR_CHARS = 300
NodeStatus = Literal["done", "failed", "cached", "skipped"]


class NodeState(BaseModel):
    """One node's outcome, as `GET /api/workflows/{id}/runs/{run_id}` will report it."""

    status: NodeStatus
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cached: bool = False
    error: str | None = Field(default=None, description="One line: why it failed, or which upstream node did")
    outputs: dict[str, Any] = Field(default_factory=dict, description="A JSON summary: rows, scores, chart data")


class WorkflowInvalidError(InvalidInputError):
    """The graph cannot run; `errors` says where, node by node."""

    def __init__(self, errors: list[LocatedError]) -> None:
        lines = "; ".join(f"{e.node_id or 'workflow'}: {e.message}" for e in errors[:5])
        super().__init__(f"the workflow is not valid: {lines}")
        self.errors = errors


@dataclass
class WorkflowResult:
    """Every node's state, in the order they ran, and the in-memory outputs by node and port."""

    nodes: dict[str, NodeState]
    values: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return all(state.status in ("done", "cached") for state in self.nodes.values())

    def evaluations(self) -> dict[str, list[dict[str, Any]]]:
        """Each evaluation node's comparison table: one row per model, in the order its edges list them."""
        return {
            node_id: state.outputs["table"]
            for node_id, state in self.nodes.items()
            if "table" in state.outputs and state.status in ("done", "cached")
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "completed" if self.ok else "failed",
            "nodes": {node_id: state.model_dump(mode="json") for node_id, state in self.nodes.items()},
        }


class LocalDatasets:
    """DatasetFacts for a local run: a Dataset node's `path` (relative to `base_dir`) is its dataset. The tables
    read are kept, so validation and the run read each file once."""

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
    many trial processes a search uses."""
    algorithms = registry or _registry()
    errors = validate(graph, algorithms, LocalDatasets(base_dir))
    if errors:
        raise WorkflowInvalidError(errors)
    run = _Run(graph, base_dir, NodeCache(cache_dir) if cache_dir else None, output_dir, algorithms, workers)
    return run.all()


def _registry() -> Registry:
    from flowml.engine.algorithms import default_registry  # builds every algorithm; only when not given one

    return default_registry()


class _Run:
    def __init__(
        self,
        graph: WorkflowGraph,
        base_dir: Path,
        cache: NodeCache | None,
        output_dir: Path | None,
        registry: Registry,
        workers: int,
    ) -> None:
        self.graph = graph
        self.base_dir = base_dir
        self.cache = cache
        self.output_dir = output_dir
        self.registry = registry
        self.workers = workers
        self.nodes = {node.id: node for node in graph.nodes}
        self.incoming: dict[str, list[Edge]] = defaultdict(list)
        for edge in graph.edges:
            self.incoming[edge.target].append(edge)
        self.keys: dict[str, str] = {}
        self.result = WorkflowResult(nodes={})

    def all(self) -> WorkflowResult:
        for node_id in self._order():
            self._node(self.nodes[node_id])
        return self.result

    def _order(self) -> list[str]:
        """Kahn's algorithm; of the nodes ready, the one listed first runs first. Validation refused cycles."""
        position = {node.id: index for index, node in enumerate(self.graph.nodes)}
        waiting = {node_id: len(edges) for node_id, edges in self.incoming.items()}
        after: dict[str, list[str]] = defaultdict(list)
        for edge in self.graph.edges:
            after[edge.source].append(edge.target)
        ready = [(position[n], n) for n in self.nodes if waiting.get(n, 0) == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            _, node_id = heapq.heappop(ready)
            order.append(node_id)
            for nxt in after[node_id]:
                waiting[nxt] -= 1
                if waiting[nxt] == 0:
                    heapq.heappush(ready, (position[nxt], nxt))
        return order

    def _node(self, node: Node) -> None:
        failed = [e.source for e in self.incoming[node.id] if self.result.nodes[e.source].status in _BROKEN]
        if failed:
            reason = f"upstream node {failed[0]!r} did not run"
            self.result.nodes[node.id] = NodeState(status="skipped", error=reason)
            return
        started = _now()
        try:
            settings = settings_model(node.type).model_validate(node.data.get("settings") or {})
            key = self._key(node, settings)
            cached = self.cache.get(key) if self.cache is not None and node.type is not NodeType.DEPLOY else None
            if cached is not None:
                values, summary = cached
                status: NodeStatus = "cached"
            else:
                values, summary = self._compute(node, settings)
                status = "done"
                if self.cache is not None and node.type is not NodeType.DEPLOY:
                    self.cache.put(key, (values, summary))
        except Exception as exc:  # one node's failure is its own and its dependents'; the rest still run
            self.result.nodes[node.id] = NodeState(
                status="failed", started_at=started, finished_at=_now(), error=_one_line(exc)
            )
            return
        self.keys[node.id] = key
        self.result.values[node.id] = values
        self.result.nodes[node.id] = NodeState(
            status=status, started_at=started, finished_at=_now(), cached=status == "cached", outputs=summary
        )

    def _key(self, node: Node, settings: BaseModel) -> str:
        inputs: dict[str, list[str]] = defaultdict(list)
        for edge in self.incoming[node.id]:
            # The source's handle is part of the key: a split's train and test halves are different inputs.
            inputs[edge.targetHandle].append(f"{self.keys[edge.source]}:{edge.sourceHandle}")
        file_hash = None
        if isinstance(settings, DatasetSettings):
            file_hash = file_sha256(self._dataset_path(settings))
        return node_key(node.type.value, settings.model_dump(mode="json"), inputs, file_sha256=file_hash)

    def _dataset_path(self, settings: DatasetSettings) -> Path:
        if settings.path is None:
            raise InvalidInputError(
                "a local run reads a file: give the dataset node a path (dataset_id names a server's upload)"
            )
        return LocalDatasets(self.base_dir).resolve(settings.path)

    def _inputs(self, node: Node, port: str) -> list[Any]:
        return [self.result.values[e.source][e.sourceHandle] for e in self.incoming[node.id] if e.targetHandle == port]

    def _input(self, node: Node, port: str) -> Any:
        """The value on an input port (the first edge's), None when unconnected (an optional port)."""
        found = self._inputs(node, port)
        return found[0] if found else None

    def _compute(self, node: Node, settings: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values by output port, JSON summary) of one node."""
        if isinstance(settings, DatasetSettings):
            table = read_dataset(self._dataset_path(settings), settings.target)
            return {"table": table}, {**table.summary(), "problem": table.problem.value, "notes": list(table.notes)}
        if isinstance(settings, SplitSettings):
            train, test = split(self._input(node, "table"), settings)
            return {"train": train, "test": test}, {"train": train.summary(), "test": test.summary()}
        if isinstance(settings, PreprocessingSettings):
            new_train, new_test, fitted = preprocess(self._input(node, "train"), self._input(node, "test"), settings)
            summary = {"train": new_train.summary(), "test": new_test.summary() if new_test else None}
            summary["dropped"] = dict(fitted.plan.dropped)
            return {"train": new_train, "test": new_test, "fitted": fitted}, summary
        if isinstance(settings, ModelSettings):
            model = fit_model(self._input(node, "train"), settings, self.registry, workers=self.workers)
            return {"model": model}, model.summary()
        if isinstance(settings, EvaluationSettings):
            rows = self._evaluation(node, settings)
            return {"metrics": rows}, {"table": rows}
        if isinstance(settings, VisualizationSettings):
            model = self._input(node, "model")
            drawn_on: Table | None = self._input(node, "test")
            data = figure(settings.kind, model, drawn_on, seed=drawn_on.seed if drawn_on else 0)
            return {"figure": data}, {"figure": data}
        if isinstance(settings, DeploySettings):
            return {}, self._deploy(node, settings)
        raise InvalidInputError(f"node type {node.type} cannot run locally")

    def _evaluation(self, node: Node, settings: EvaluationSettings) -> list[dict[str, Any]]:
        test: Table = self._input(node, "test")
        rows: list[dict[str, Any]] = []
        for edge in self.incoming[node.id]:
            if edge.targetHandle != "model":
                continue
            model: FittedModel = self.result.values[edge.source][edge.sourceHandle]
            scores = evaluate(model, test, settings.metrics)
            label = self.nodes[edge.source].data.get("label")
            rows.append(
                {
                    "node_id": edge.source,
                    "label": label if isinstance(label, str) else edge.source,
                    "algorithm": model.algorithm,
                    **scores,
                }
            )
        return rows

    def _deploy(self, node: Node, settings: DeploySettings) -> dict[str, Any]:
        model: FittedModel = self._input(node, "model")
        if self.output_dir is None:
            return {"path": None, "note": "no output folder given: nothing written"}
        # Only the last part of the name: a workflow file cannot make a Deploy node write outside the folder.
        folder = Path(settings.name or node.id).name or node.id
        return write_package(model, self.output_dir / folder)


_BROKEN = ("failed", "skipped")


def _now() -> datetime:
    return datetime.now(UTC)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    if not isinstance(exc, FlowMLError):  # a user-facing message needs no class name; a bug's does
        message = f"{type(exc).__name__}: {message}"
    return message if len(message) <= MAX_ERROR_CHARS else message[: MAX_ERROR_CHARS - 3] + "..."
