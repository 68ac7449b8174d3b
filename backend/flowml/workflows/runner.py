"""Runs a workflow graph: nodes in dependency order, independent branches at the same time, outputs cached by
content, and one state per node.

What differs between a run on this machine (`flowml workflow run`, execute.py) and one on the server
(services/workflow_runs.py) is where the data comes from, where a search's trials run, what Deploy does and who is
told about each node: those are the RunnerPorts. Everything else, the order, the caching, the states, what a
failure or a cancel does to the other nodes, lives here once.

- A node starts once every node feeding it has finished; of the nodes ready, the one listed first in the graph
  starts first, and at most `parallel` run at once (CPU-bound steps in threads, searches on the ports' executor).
- A node's output is keyed by cache.node_key; with a cache, a key computed before is loaded, not run, and the node
  is `cached`. Deploy nodes always run: they have an effect outside the run.
- A node that fails marks its dependents `skipped` and nothing else: independent branches still run.
- Once the run is cancelled no node starts; running searches stop themselves (they watch the same cancel signal),
  and every node that did not finish is `cancelled`.
"""

from __future__ import annotations

import asyncio
import heapq
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pydantic import BaseModel

from flowml.core.errors import FlowMLError, InvalidInputError
from flowml.core.workflow_states import FINISHED_OK, NodeState, NodeStatus
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
from flowml.workflows.nodes import FittedModel, Table, evaluate, fit_single, preprocess, split
from flowml.workflows.validate import LocatedError

MAX_ERROR_CHARS = 300
_BROKEN = ("failed", "skipped", "cancelled")


class WorkflowInvalidError(InvalidInputError):
    """The graph cannot run; `errors` says where, node by node."""

    def __init__(self, errors: list[LocatedError]) -> None:
        lines = "; ".join(f"{e.node_id or 'workflow'}: {e.message}" for e in errors[:5])
        super().__init__(f"the workflow is not valid: {lines}")
        self.errors = errors


@dataclass
class WorkflowResult:
    """Every node's state, in the order they finished, and the in-memory outputs by node and port."""

    nodes: dict[str, NodeState]
    values: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return all(state.status in FINISHED_OK for state in self.nodes.values())

    @property
    def cancelled(self) -> bool:
        return any(state.status == "cancelled" for state in self.nodes.values())

    def evaluations(self) -> dict[str, list[dict[str, Any]]]:
        """Each evaluation node's comparison table: one row per model, in the order its edges list them."""
        return {
            node_id: state.outputs["table"]
            for node_id, state in self.nodes.items()
            if "table" in state.outputs and state.status in FINISHED_OK
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "completed" if self.ok else "cancelled" if self.cancelled else "failed",
            "nodes": {node_id: state.model_dump(mode="json") for node_id, state in self.nodes.items()},
        }


class DatasetSource(Protocol):
    """Where a Dataset node's rows come from (blocking calls: the runner runs them in a thread)."""

    def content_hash(self, settings: DatasetSettings) -> str:
        """A hash of the rows the node names: part of its cache key, so new data is never served from cache."""
        ...

    def read(self, settings: DatasetSettings) -> Table: ...


Searcher = Callable[[Node, Table, ModelSettings], Awaitable[FittedModel]]
Deployer = Callable[[Node, FittedModel, DeploySettings], Awaitable[dict[str, Any]]]


class RunObserver(Protocol):
    async def node_started(self, node_id: str, state: NodeState) -> None: ...

    async def node_finished(self, node_id: str, state: NodeState) -> None: ...


class NoObserver:
    async def node_started(self, node_id: str, state: NodeState) -> None:
        return None

    async def node_finished(self, node_id: str, state: NodeState) -> None:
        return None


@dataclass
class RunnerPorts:
    datasets: DatasetSource
    search: Searcher  # automl and clustering model nodes
    deploy: Deployer
    observer: RunObserver = field(default_factory=NoObserver)
    cancelled: Callable[[], bool] = lambda: False
    cache: NodeCache | None = None
    parallel: int = 1  # nodes running at once


async def run_graph(graph: WorkflowGraph, registry: Registry, ports: RunnerPorts) -> WorkflowResult:
    """Run every node of a graph that validation accepted (an invalid one fails node by node, unhelpfully)."""
    return await _Run(graph, registry, ports).all()


class _Run:
    def __init__(self, graph: WorkflowGraph, registry: Registry, ports: RunnerPorts) -> None:
        self.graph = graph
        self.registry = registry
        self.ports = ports
        self.nodes = {node.id: node for node in graph.nodes}
        self.incoming: dict[str, list[Edge]] = defaultdict(list)
        self.after: dict[str, list[str]] = defaultdict(list)
        for edge in graph.edges:
            self.incoming[edge.target].append(edge)
            self.after[edge.source].append(edge.target)
        self.keys: dict[str, str] = {}
        self.result = WorkflowResult(nodes={})

    async def all(self) -> WorkflowResult:
        position = {node.id: index for index, node in enumerate(self.graph.nodes)}
        waiting = {node_id: len(self.incoming[node_id]) for node_id in self.nodes}
        ready = [(position[n], n) for n, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        running: dict[asyncio.Task[None], str] = {}
        try:
            while ready or running:
                while ready and len(running) < max(1, self.ports.parallel) and not self.ports.cancelled():
                    _, node_id = heapq.heappop(ready)
                    running[asyncio.create_task(self._node(self.nodes[node_id]), name=f"node-{node_id}")] = node_id
                if not running:
                    break  # cancelled: nothing more starts
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    node_id = running.pop(task)
                    task.result()  # _node handles every Exception; what escapes is a shutdown or a bug
                    for nxt in self.after[node_id]:
                        waiting[nxt] -= 1
                        if waiting[nxt] == 0:
                            heapq.heappush(ready, (position[nxt], nxt))
        finally:
            for task in running:  # a server shutdown: stop the branches still running
                task.cancel()
        for node in self.graph.nodes:
            if node.id not in self.result.nodes:
                state = NodeState(status="cancelled", error="the run was cancelled before this node started")
                self.result.nodes[node.id] = state
                await self.ports.observer.node_finished(node.id, state)
        return self.result

    async def _finish(self, node_id: str, state: NodeState) -> None:
        self.result.nodes[node_id] = state
        await self.ports.observer.node_finished(node_id, state)

    async def _node(self, node: Node) -> None:
        failed = [e.source for e in self.incoming[node.id] if self.result.nodes[e.source].status in _BROKEN]
        if failed:
            await self._finish(node.id, NodeState(status="skipped", error=f"upstream node {failed[0]!r} did not run"))
            return
        started = _now()
        await self.ports.observer.node_started(node.id, NodeState(status="running", started_at=started))
        try:
            settings = settings_model(node.type).model_validate(node.data.get("settings") or {})
            key = await asyncio.to_thread(self._key, node, settings)
            cache = self.ports.cache if node.type is not NodeType.DEPLOY else None
            cached = await asyncio.to_thread(cache.get, key) if cache is not None else None
            if cached is not None:
                values, summary = cached
            else:
                values, summary = await self._compute(node, settings)
                if cache is not None:
                    await asyncio.to_thread(cache.put, key, (values, summary))
        except Exception as exc:  # one node's failure is its own and its dependents'; the rest still run
            status: NodeStatus = "cancelled" if self.ports.cancelled() else "failed"
            error = "cancelled" if status == "cancelled" else _one_line(exc)
            await self._finish(node.id, NodeState(status=status, started_at=started, finished_at=_now(), error=error))
            return
        self.keys[node.id] = key
        self.result.values[node.id] = values
        status = "cached" if cached is not None else "done"
        state = NodeState(
            status=status, started_at=started, finished_at=_now(), cached=cached is not None, outputs=summary
        )
        await self._finish(node.id, state)

    def _key(self, node: Node, settings: BaseModel) -> str:
        inputs: dict[str, list[str]] = defaultdict(list)
        for edge in self.incoming[node.id]:
            # The source's handle is part of the key: a split's train and test halves are different inputs.
            inputs[edge.targetHandle].append(f"{self.keys[edge.source]}:{edge.sourceHandle}")
        file_hash = None
        if isinstance(settings, DatasetSettings):
            file_hash = self.ports.datasets.content_hash(settings)
        return node_key(node.type.value, settings.model_dump(mode="json"), inputs, file_sha256=file_hash)

    def _inputs(self, node: Node, port: str) -> list[Any]:
        return [self.result.values[e.source][e.sourceHandle] for e in self.incoming[node.id] if e.targetHandle == port]

    def _input(self, node: Node, port: str) -> Any:
        """The value on an input port (the first edge's), None when unconnected (an optional port)."""
        found = self._inputs(node, port)
        return found[0] if found else None

    async def _compute(self, node: Node, settings: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values by output port, JSON summary) of one node."""
        if isinstance(settings, DatasetSettings):
            table = await asyncio.to_thread(self.ports.datasets.read, settings)
            return {"table": table}, {**table.summary(), "problem": table.problem.value, "notes": list(table.notes)}
        if isinstance(settings, SplitSettings):
            train, test = await asyncio.to_thread(split, self._input(node, "table"), settings)
            return {"train": train, "test": test}, {"train": train.summary(), "test": test.summary()}
        if isinstance(settings, PreprocessingSettings):
            new_train, new_test, fitted = await asyncio.to_thread(
                preprocess, self._input(node, "train"), self._input(node, "test"), settings
            )
            summary = {"train": new_train.summary(), "test": new_test.summary() if new_test else None}
            summary["dropped"] = dict(fitted.plan.dropped)
            return {"train": new_train, "test": new_test, "fitted": fitted}, summary
        if isinstance(settings, ModelSettings):
            rows: Table = self._input(node, "train")
            if settings.mode == "single":
                model = await asyncio.to_thread(fit_single, rows, settings, self.registry)
            else:
                model = await self.ports.search(node, rows, settings)
            return {"model": model}, model.summary()
        if isinstance(settings, EvaluationSettings):
            scores = await asyncio.to_thread(self._evaluation, node, settings)
            return {"metrics": scores}, {"table": scores}
        if isinstance(settings, VisualizationSettings):
            model = self._input(node, "model")
            drawn_on: Table | None = self._input(node, "test")
            seed = drawn_on.seed if drawn_on else 0
            data = await asyncio.to_thread(figure, settings.kind, model, drawn_on, seed=seed)
            return {"figure": data}, {"figure": data}
        if isinstance(settings, DeploySettings):
            return {}, await self.ports.deploy(node, self._input(node, "model"), settings)
        raise InvalidInputError(f"node type {node.type} cannot run")

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


def _now() -> datetime:
    return datetime.now(UTC)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else type(exc).__name__
    if not isinstance(exc, FlowMLError):  # a user-facing message needs no class name; a bug's does
        message = f"{type(exc).__name__}: {message}"
    return message if len(message) <= MAX_ERROR_CHARS else message[: MAX_ERROR_CHARS - 3] + "..."
