"""Whether a workflow graph can run: every problem found, each located on its node and settings field.

The checks run in passes, each over the nodes and edges in the order the graph lists them, so the same graph always
gives the same errors in the same order: structure (duplicate ids, edges naming missing nodes or handles, port
types), cycles, connections (required inputs, single inputs with several edges), each node's settings, then the
facts that flow along edges (the dataset and its columns, the target, a split upstream, the model's mode). A later
pass skips what an earlier one already refused (a node whose settings do not parse is not checked again against
its dataset), so one mistake gives one error, not a cascade. Everything is O(nodes + edges), up to a log factor,
plus the settings.
"""

from __future__ import annotations

import difflib
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError

from flowml.engine.metrics import METRICS
from flowml.engine.preprocessor import Preprocessors, default_preprocessors
from flowml.engine.registry import Algorithm, Registry
from flowml.engine.space import CategoricalParam, FloatParam, IntParam, SearchSpace
from flowml.engine.types import ProblemType
from flowml.workflows.catalogue import (
    DatasetSettings,
    EvaluationSettings,
    ModelSettings,
    NodeType,
    PreprocessingSettings,
    SplitSettings,
    VisualizationSettings,
    ports,
    settings_model,
)
from flowml.workflows.graph import Edge, Node, WorkflowGraph
from flowml.workflows.ports import PortSpec, PortType, accepts

SUPERVISED = (ProblemType.BINARY, ProblemType.MULTICLASS, ProblemType.REGRESSION)
MAX_SUGGESTIONS = 3
MAX_ECHOED_NAME = 64  # longer client-chosen names are cut in messages
# Visualizations by the model they draw: a supervised one (single or automl), a clustering one, or any search.
_SUPERVISED_KINDS = frozenset(
    {"confusion_matrix", "roc", "precision_recall", "residuals", "predicted_vs_actual", "feature_importance"}
)
_TRIAL_KINDS = frozenset({"learning_curve"})  # a curve over trials: a search (automl or clustering) has them
_NEEDS_TEST = frozenset(
    {"confusion_matrix", "roc", "precision_recall", "residuals", "predicted_vs_actual", "cluster_scatter"}
)
_TABLE_PORTS = (PortType.TABLE, PortType.TRAIN, PortType.TEST)


class LocatedError(BaseModel):
    """One problem, placed where the canvas shows it: on a node (and one of its settings), or on the whole graph."""

    node_id: str | None = Field(default=None, description="The node it belongs to; null for the whole graph")
    field: str | None = Field(default=None, description="The dotted settings path, e.g. 'test_size'; or null")
    message: str = Field(description="What is wrong, in plain words")


class DatasetFacts(Protocol):
    """What validation may know about datasets, as the caller sees them."""

    def columns(self, dataset_id: str) -> list[str] | None:
        """The dataset's column names; None when it does not exist or the caller cannot see it."""


@dataclass(frozen=True)
class _Flow:
    """What reaches a node's output along its edges: the dataset nodes upstream, the columns the rows still have
    (None: unknown, e.g. the dataset is not readable, so column checks are skipped), the target, whether a split
    happened on the way, and the models' modes (for a model output)."""

    origins: frozenset[str]
    columns: tuple[str, ...] | None
    target: str | None
    target_known: bool
    split: bool
    mode: str | None = None


def validate(
    graph: WorkflowGraph,
    registry: Registry,
    datasets: DatasetFacts,
    *,
    preprocessors: Preprocessors | None = None,
) -> list[LocatedError]:
    """Every problem in `graph`, in a stable order; empty when it can run. `preprocessors` defaults to the
    installed ones."""
    steps = preprocessors if preprocessors is not None else default_preprocessors()
    return _Validation(graph, registry, datasets, steps).run()


class _Validation:
    def __init__(
        self, graph: WorkflowGraph, registry: Registry, datasets: DatasetFacts, preprocessors: Preprocessors
    ) -> None:
        self.graph = graph
        self.registry = registry
        self.datasets = datasets
        self.preprocessors = preprocessors
        self.errors: list[LocatedError] = []
        self.nodes: dict[str, Node] = {}  # the first node of each id
        # Edges whose ends and handles exist, by target node. An incompatible one still counts as connecting a
        # required input (its incompatibility is its one error), but not towards cycles or crowded inputs, and it
        # carries nothing downstream.
        self.incoming: dict[str, list[tuple[Edge, bool]]] = defaultdict(list)  # (edge, compatible)
        self.compatible: set[int] = set()  # indexes into graph.edges
        self.successors: dict[str, list[str]] = defaultdict(list)  # along compatible edges
        self.settings: dict[str, BaseModel] = {}  # nodes whose settings parse
        self.columns_cache: dict[str, list[str] | None] = {}

    def run(self) -> list[LocatedError]:
        self._ids()
        self._edges()
        on_cycle = self._cycles()
        self._connections()
        self._settings()
        self._flows(on_cycle)
        return self.errors

    def _error(self, node_id: str | None, message: str, field: str | None = None) -> None:
        self.errors.append(LocatedError(node_id=node_id, field=field, message=message))

    # -- structure -------------------------------------------------------------------------------------------------

    def _ids(self) -> None:
        for node in self.graph.nodes:
            if node.id in self.nodes:
                self._error(node.id, f"two nodes share the id {node.id!r}; each node needs its own")
            else:
                self.nodes[node.id] = node
        seen: set[str] = set()
        for edge in self.graph.edges:
            if edge.id in seen:
                self._error(None, f"two edges share the id {edge.id!r}; each edge needs its own")
            seen.add(edge.id)

    def _edges(self) -> None:
        connections: set[tuple[str, str, str, str]] = set()
        for index, edge in enumerate(self.graph.edges):
            source, target = self.nodes.get(edge.source), self.nodes.get(edge.target)
            if source is None or target is None:
                missing = [name for name, node in ((edge.source, source), (edge.target, target)) if node is None]
                present = target or source
                names = " and ".join(repr(m) for m in missing)
                self._error(
                    present.id if present else None, f"edge {edge.id!r} connects a node that does not exist: {names}"
                )
                continue
            output = _port(ports(source.type)[1], edge.sourceHandle)
            input_ = _port(ports(target.type)[0], edge.targetHandle)
            if output is None:
                self._error(source.id, _no_handle(edge, source, edge.sourceHandle, "output", ports(source.type)[1]))
            if input_ is None:
                self._error(target.id, _no_handle(edge, target, edge.targetHandle, "input", ports(target.type)[0]))
            if output is None or input_ is None:
                continue
            key = (edge.source, edge.sourceHandle, edge.target, edge.targetHandle)
            if key in connections:
                self._error(target.id, f"edge {edge.id!r} repeats a connection already made to {_name(target)}")
                continue
            connections.add(key)
            compatible = accepts(input_.type, output.type)
            self.incoming[target.id].append((edge, compatible))
            if compatible:
                self.compatible.add(index)
                self.successors[source.id].append(target.id)
            else:
                self._error(
                    target.id,
                    f"a {output.type} output cannot feed the {input_.type} input of {_name(target)}",
                )

    def _cycles(self) -> set[str]:
        """Report every node that lies on a cycle (Tarjan's strongly connected components, iteratively); return them."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        cyclic: set[str] = set()
        counter = 0
        for root in self.nodes:
            if root in index:
                continue
            work: list[tuple[str, int]] = [(root, 0)]
            while work:
                node_id, child = work.pop()
                if child == 0:
                    index[node_id] = low[node_id] = counter
                    counter += 1
                    stack.append(node_id)
                    on_stack.add(node_id)
                successors = self.successors.get(node_id, [])
                if child < len(successors):
                    work.append((node_id, child + 1))
                    nxt = successors[child]
                    if nxt not in index:
                        work.append((nxt, 0))
                    elif nxt in on_stack:
                        low[node_id] = min(low[node_id], index[nxt])
                    continue
                if low[node_id] == index[node_id]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node_id:
                            break
                    if len(component) > 1 or node_id in successors:
                        cyclic.update(component)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node_id])
        for node_id in self.nodes:
            if node_id in cyclic:
                self._error(
                    node_id, f"{_name(self.nodes[node_id])} is on a cycle; a workflow must flow one way (no loops)"
                )
        return cyclic

    def _connections(self) -> None:
        for node in self.nodes.values():
            drawn: dict[str, int] = defaultdict(int)
            counts: dict[str, int] = defaultdict(int)
            for edge, compatible in self.incoming.get(node.id, []):
                drawn[edge.targetHandle] += 1
                counts[edge.targetHandle] += compatible
            for port in ports(node.type)[0]:
                count = counts[port.name]
                if port.required and drawn[port.name] == 0:
                    self._error(node.id, f"{_name(node)} needs its {port.name} input connected")
                elif not port.multiple and count > 1:
                    self._error(node.id, f"the {port.name} input of {_name(node)} takes one connection; it has {count}")

    # -- settings --------------------------------------------------------------------------------------------------

    def _settings(self) -> None:
        for node in self.nodes.values():
            raw = node.data.get("settings", {})
            if raw is None:
                raw = {}
            if not isinstance(raw, Mapping):
                self._error(node.id, f"the settings of {_name(node)} must be an object")
                continue
            try:
                parsed = settings_model(node.type).model_validate(raw)
            except ValidationError as exc:
                for problem in exc.errors(include_url=False, include_input=False):
                    field = ".".join(str(part) for part in problem["loc"]) or None
                    # Pydantic's message, never the value: a setting may hold anything the client sent.
                    self._error(node.id, f"{_name(node)}: {field or 'settings'}: {problem['msg']}", field)
                continue
            if self._settings_ok(node, parsed):
                self.settings[node.id] = parsed

    def _settings_ok(self, node: Node, parsed: BaseModel) -> bool:
        """The checks on one node's own settings that need the registry, not the graph; False when one failed."""
        before = len(self.errors)
        if isinstance(parsed, SplitSettings):
            if parsed.mode == "time" and parsed.order_column is None:
                self._error(node.id, f"{_name(node)}: a time split needs an order column", "order_column")
            if parsed.mode == "group" and parsed.group_column is None:
                self._error(node.id, f"{_name(node)}: a group split needs a group column", "group_column")
        elif isinstance(parsed, PreprocessingSettings):
            for position, step in enumerate(parsed.steps):
                self._step(node, position, step.name, step.params)
        elif isinstance(parsed, ModelSettings):
            self._model(node, parsed)
        elif isinstance(parsed, EvaluationSettings):
            for position, metric in enumerate(parsed.metrics or []):
                if metric not in _METRIC_NAMES:
                    self._error(node.id, _unknown("metric", metric, _METRIC_NAMES), f"metrics.{position}")
        return len(self.errors) == before

    def _step(self, node: Node, position: int, name: str, params: dict[str, Any] | None) -> None:
        field = f"steps.{position}"
        if name not in self.preprocessors:
            self._error(node.id, _unknown("preprocessor", name, self.preprocessors.names()), f"{field}.name")
            return
        if params is not None:
            step = self.preprocessors.get(name)
            for problem in _param_problems(step.space(), {**step.default_params(), **params}):
                self._error(node.id, f"{step.label}: {problem}", f"{field}.params")

    def _model(self, node: Node, settings: ModelSettings) -> None:
        if settings.mode == "single":
            if settings.algorithm is None:
                self._error(node.id, f"{_name(node)}: choose an algorithm", "algorithm")
                return
            algorithm = self._algorithm(node, settings.algorithm, "algorithm", clustering=False)
            if algorithm is not None:
                self._params(node, algorithm, settings.params)
            return
        clustering = settings.mode == "clustering"
        for position, name in enumerate(settings.algorithms or []):
            self._algorithm(node, name, f"algorithms.{position}", clustering=clustering)
        if settings.algorithms == []:
            self._error(node.id, f"{_name(node)}: list at least one algorithm, or none for all", "algorithms")
        if settings.metric is not None:
            if settings.metric not in _METRIC_NAMES:
                self._error(node.id, _unknown("metric", settings.metric, _METRIC_NAMES), "metric")
            elif clustering != (ProblemType.CLUSTERING in _METRIC_TASKS[settings.metric]):
                kind = "clustering" if clustering else "supervised"
                self._error(node.id, f"metric {settings.metric!r} does not score {kind} models", "metric")

    def _algorithm(self, node: Node, name: str, field: str, *, clustering: bool) -> Algorithm | None:
        algorithm = self.registry.find(name)
        if algorithm is None:
            self._error(node.id, _unknown("algorithm", name, self.registry.names()), field)
            return None
        if clustering != (ProblemType.CLUSTERING in algorithm.tasks):
            kind = "a clustering" if clustering else "a supervised (single or automl)"
            self._error(node.id, f"algorithm {name!r} cannot be used in {kind} model", field)
            return None
        return algorithm

    def _params(self, node: Node, algorithm: Algorithm, params: Mapping[str, Any]) -> None:
        """The parameters must fit the algorithm's space for at least one task it serves; reported for the first."""
        first: list[str] | None = None
        for task in SUPERVISED:
            if task not in algorithm.tasks:
                continue
            problems = _param_problems(algorithm.space(task), {**algorithm.default_params(task), **params})
            if not problems:
                return
            first = first if first is not None else problems
        for problem in first or []:
            self._error(node.id, f"{algorithm.label}: {problem}", "params")

    # -- what flows along the edges ----------------------------------------------------------------------------

    def _flows(self, on_cycle: set[str]) -> None:
        """Visit the nodes in dependency order (Kahn's algorithm over the compatible edges, a heap picking among the
        ready ones: O((nodes + edges) log nodes)), computing each one's flow from its inputs'; nodes on or after a
        cycle are never ready, so they are skipped."""
        edges_in: dict[str, list[Edge]] = defaultdict(list)
        waiting: dict[str, int] = dict.fromkeys(self.nodes, 0)
        after: dict[str, list[str]] = defaultdict(list)
        for index, edge in enumerate(self.graph.edges):
            if index in self.compatible:
                edges_in[edge.target].append(edge)
                waiting[edge.target] += 1
                after[edge.source].append(edge.target)
        # Of the nodes ready, the one listed first goes first: errors come in the graph's order where they can.
        position = {node_id: index for index, node_id in enumerate(self.nodes)}
        ready = [(position[n], n) for n, count in waiting.items() if count == 0 and n not in on_cycle]
        heapq.heapify(ready)
        flows: dict[str, _Flow] = {}
        while ready:
            _, node_id = heapq.heappop(ready)
            flows[node_id] = self._flow(self.nodes[node_id], edges_in[node_id], flows)
            for nxt in after[node_id]:
                waiting[nxt] -= 1
                if waiting[nxt] == 0 and nxt not in on_cycle:
                    heapq.heappush(ready, (position[nxt], nxt))

    def _flow(self, node: Node, edges: Sequence[Edge], flows: Mapping[str, _Flow]) -> _Flow:
        """Check `node` against what reaches it, and return what leaves it."""
        settings = self.settings.get(node.id)
        if node.type is NodeType.DATASET:
            if isinstance(settings, DatasetSettings):
                return self._dataset(node, settings)
            return _Flow(frozenset({node.id}), None, None, target_known=False, split=False)
        by_port: dict[str, list[_Flow]] = defaultdict(list)
        for edge in edges:  # every source was visited first (dependency order)
            by_port[edge.targetHandle].append(flows[edge.source])
        arriving = [flow for each in by_port.values() for flow in each]
        split = node.type is NodeType.SPLIT or any(flow.split for flow in arriving)
        origins: frozenset[str] = frozenset().union(*(flow.origins for flow in arriving))
        if edges and not split and node.type in (NodeType.EVALUATION, NodeType.VISUALIZATION):
            # The rule, "a split before any evaluation". Said only once something is connected: an empty
            # node already has its unconnected inputs reported.
            self._error(node.id, f"{_name(node)} needs a train/test split upstream: it scores on held-out rows")
        unknown = _Flow(origins, None, None, target_known=False, split=split)
        if len(origins) > 1:
            listed = ", ".join(repr(o) for o in sorted(origins))
            self._error(node.id, f"the inputs of {_name(node)} come from different datasets ({listed})")
            return unknown
        if not arriving or settings is None:  # nothing known arrives, or its settings errors are enough
            return unknown
        inputs = ports(node.type)[0]
        table = next((by_port[p.name][0] for p in inputs if p.type in _TABLE_PORTS and by_port[p.name]), None)
        base = replace(table or arriving[0], split=split, mode=None)
        if isinstance(settings, SplitSettings):
            self._split(node, settings, base)
            return base
        if isinstance(settings, PreprocessingSettings):
            return self._preprocessing(node, settings, base)
        if isinstance(settings, ModelSettings):
            if settings.mode != "clustering" and base.target_known and base.target is None:
                dataset = next(iter(base.origins))
                self._error(node.id, f"{_name(node)} needs a target: choose one on dataset {dataset!r}")
            return replace(base, mode=settings.mode)
        models = [flow.mode for flow in by_port.get("model", []) if flow.mode is not None]
        if isinstance(settings, EvaluationSettings):
            self._evaluation(node, settings, models)
        elif isinstance(settings, VisualizationSettings):
            self._visualization(node, settings, models, has_test=bool(by_port.get("test")))
        return base

    def _dataset(self, node: Node, settings: DatasetSettings) -> _Flow:
        unknown = _Flow(frozenset({node.id}), None, settings.target, target_known=True, split=False)
        if settings.dataset_id is not None and settings.path is not None:
            self._error(node.id, f"{_name(node)}: name a dataset or a path, not both", "path")
            return unknown
        # A path is a local run's dataset (`flowml workflow run`); its DatasetFacts answers for files.
        reference, field = (settings.path, "path") if settings.path is not None else (settings.dataset_id, "dataset_id")
        if reference is None:
            self._error(node.id, f"{_name(node)}: choose a dataset", "dataset_id")
            return unknown
        if reference not in self.columns_cache:
            self.columns_cache[reference] = self.datasets.columns(reference)
        columns = self.columns_cache[reference]
        if columns is None:
            message = (
                f"no readable table at path {_short(reference)!r} (paths are for local runs)"
                if field == "path"
                else f"no dataset with id {reference!r}"
            )
            self._error(node.id, message, field)
            return unknown
        if settings.target is not None and settings.target not in columns:
            self._error(node.id, _missing_column("target", settings.target, columns), "target")
            return _Flow(frozenset({node.id}), tuple(columns), None, target_known=False, split=False)
        return _Flow(frozenset({node.id}), tuple(columns), settings.target, target_known=True, split=False)

    def _split(self, node: Node, settings: SplitSettings, flow: _Flow) -> None:
        if flow.columns is None:
            return
        for field, column in (("order_column", settings.order_column), ("group_column", settings.group_column)):
            if column is not None and column not in flow.columns:
                self._error(node.id, _missing_column(field.replace("_", " "), column, flow.columns), field)

    def _preprocessing(self, node: Node, settings: PreprocessingSettings, flow: _Flow) -> _Flow:
        columns = flow.columns
        if columns is None:
            return flow
        present = set(columns)
        named = [("columns", settings.columns or []), ("drop", settings.drop)]
        for field, names in named:
            for position, column in enumerate(names):
                if column not in present:
                    self._error(node.id, _missing_column("column", column, columns), f"{field}.{position}")
        if flow.target is not None and flow.target in settings.drop:
            position = settings.drop.index(flow.target)
            self._error(node.id, f"{_name(node)} drops the target {flow.target!r}", f"drop.{position}")
        keep = set(settings.columns) if settings.columns is not None else present
        dropped = set(settings.drop)
        kept = tuple(c for c in columns if (c in keep or c == flow.target) and c not in dropped)
        return _Flow(flow.origins, kept, flow.target, flow.target_known, flow.split)

    def _evaluation(self, node: Node, settings: EvaluationSettings, models: list[str]) -> None:
        if not models:
            return
        clustering = {mode == "clustering" for mode in models}
        if len(clustering) > 1:
            self._error(node.id, f"{_name(node)} cannot compare clustering models with supervised ones")
            return
        is_clustering = clustering.pop()
        for position, metric in enumerate(settings.metrics or []):
            if (ProblemType.CLUSTERING in _METRIC_TASKS[metric]) != is_clustering:
                kind = "clustering" if is_clustering else "supervised"
                self._error(node.id, f"metric {metric!r} does not score {kind} models", f"metrics.{position}")

    def _visualization(self, node: Node, settings: VisualizationSettings, models: list[str], *, has_test: bool) -> None:
        if settings.kind in _NEEDS_TEST and not has_test:
            self._error(node.id, f"a {settings.kind} chart needs the test input connected", "kind")
        for mode in models:
            if settings.kind in _SUPERVISED_KINDS and mode == "clustering":
                self._error(node.id, f"a {settings.kind} chart needs a supervised model, not a clustering one", "kind")
            elif settings.kind == "cluster_scatter" and mode != "clustering":
                self._error(node.id, "a cluster_scatter chart needs a clustering model", "kind")
            elif settings.kind in _TRIAL_KINDS and mode == "single":
                self._error(node.id, f"a {settings.kind} chart needs a search (automl or clustering mode)", "kind")


_METRIC_NAMES = [metric.name for metric in METRICS]
_METRIC_TASKS = {metric.name: metric.tasks for metric in METRICS}


def _name(node: Node) -> str:
    return f"{node.type} {node.id!r}"


def _port(specs: Iterable[PortSpec], name: str) -> PortSpec | None:
    return next((spec for spec in specs if spec.name == name), None)


def _no_handle(edge: Edge, node: Node, handle: str, side: str, specs: Sequence[PortSpec]) -> str:
    names = ", ".join(spec.name for spec in specs) or "none"
    return f"edge {edge.id!r}: {_name(node)} has no {side} {handle!r} (its {side}s: {names})"


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=MAX_SUGGESTIONS)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    return f"unknown {what} {name!r}{_suggest(name, known)}"


def _missing_column(what: str, column: str, columns: Sequence[str]) -> str:
    return f"{what} {column!r} is not a column of the dataset{_suggest(column, columns)}"


def _param_problems(space: SearchSpace, params: Mapping[str, Any]) -> list[str]:
    """Why `params` is not a configuration of `space`, one line per parameter, saying what is allowed instead of
    echoing the value (unlike `SearchSpace.problems`, this text goes back to a client)."""
    problems: list[str] = []
    for name in params:
        if name not in space.params:
            known = ", ".join(space.params) or "none"
            problems.append(f"{_short(name)!r} is not one of its parameters ({known})")
    for name, param in space.params.items():
        active = param.when is None or param.when.holds(params)
        if not active:
            if name in params and param.when is not None:
                problems.append(f"{name} only applies when {param.when.param} is one of {param.when.values!r}")
        elif name not in params:
            problems.append(f"{name} is required")
        elif param.problem(params[name]) is not None:
            problems.append(f"{name} must be {_allowed(param)}")
    return problems


def _short(name: str) -> str:
    """A client-chosen name, cut to a readable length before it goes into a message."""
    return name if len(name) <= MAX_ECHOED_NAME else name[: MAX_ECHOED_NAME - 3] + "..."


def _allowed(param: IntParam | FloatParam | CategoricalParam) -> str:
    if isinstance(param, IntParam):
        grid = f" in steps of {param.step}" if param.step != 1 else ""
        return f"an integer from {param.low} to {param.high}{grid}"
    if isinstance(param, FloatParam):
        return f"a number from {param.low} to {param.high}"
    return f"one of {param.choices!r}"
