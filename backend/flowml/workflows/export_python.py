"""A workflow as a readable, runnable Python script: `flowml workflow export --python` and the export route's
`format=python`.

The script spells the pipeline out, one block per node in dependency order, calling the functions a local run
calls (flowml/workflows/nodes.py, with the settings models of flowml/workflows/catalogue.py written out with their
non-default values), so the same data and seeds give the same test scores as `execute()`. It is deliberately not an
embedded graph handed to the executor: reading it should show what the workflow does. It prints each evaluation
table (as JSON with `--json`). Unlike a local run, it stops at the first node that fails.
"""

from __future__ import annotations

import heapq
import keyword
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from flowml.core.errors import InvalidInputError
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
from flowml.workflows.graph import Edge, Node, WorkflowGraph

MAX_LINE = 110  # a statement longer than this is wrapped, one argument a line
NODES = "flowml.workflows.nodes"
CATALOGUE = "flowml.workflows.catalogue"
# Names the script defines or imports, and the suffixes of a node's variables (`<stem>_<suffix>`, the stem made
# from its id): a stem is never one that would make a variable shadow a name (a model node "fit" and fit_model).
_SCRIPT_NAMES = {
    *("HERE", "OUTPUT_DIR", "WORKERS", "main", "score_row", "show", "args", "parser", "registry", "node_id"),
    *("evaluations", "figures", "packages", "rows", "chart", "package", "default_registry", "evaluate", "figure"),
    *("fit_model", "preprocess", "read_dataset", "split", "write_package", "argparse", "json", "Path", "Any"),
}
_SUFFIXES = ("table", "train", "test", "model", "settings", "metrics")
# A single model reads these settings, a search the others; a mode's unused settings are kept in the graph only.
_MODE_FIELDS = {
    "single": ("algorithm", "params", "metric"),
    "automl": ("algorithms", "time_budget_s", "metric"),
    "clustering": ("algorithms", "time_budget_s", "metric"),
}
_TYPE_LABEL = {
    NodeType.DATASET: "Dataset",
    NodeType.SPLIT: "Train/Test Split",
    NodeType.PREPROCESSING: "Preprocessing",
    NodeType.MODEL: "Model",
    NodeType.EVALUATION: "Evaluation",
    NodeType.VISUALIZATION: "Visualization",
    NodeType.DEPLOY: "Deploy",
}
# The script's own helpers, after main(): an evaluation row as `flowml workflow run` makes it, and a text table.
_HELPERS = '''

def score_row(node_id: str, label: str, model: Any, test: Any, metrics: list[str] | None) -> dict[str, Any]:
    """One row of an evaluation table: the model's scores on the test rows, as `flowml workflow run` makes it."""
    return {"node_id": node_id, "label": label, "algorithm": model.algorithm, **evaluate(model, test, metrics)}


def show(title: str, rows: list[dict[str, Any]]) -> None:
    """An evaluation table as aligned text: a row per model, a column per metric ("-": not computable)."""
    metrics = [key for key in rows[0] if key not in ("node_id", "label", "algorithm")] if rows else []
    grid = [["model", "algorithm", *metrics]]
    for row in rows:
        scores = ["-" if row[m] is None else f"{row[m]:.5f}" for m in metrics]
        grid.append([str(row["label"]), str(row["algorithm"]), *scores])
    widths = [max(len(line[i]) for line in grid) for i in range(len(grid[0]))]
    print(title)
    for line in grid:
        cells = [cell.ljust(width) for cell, width in zip(line[:2], widths[:2], strict=True)]
        cells += [cell.rjust(width) for cell, width in zip(line[2:], widths[2:], strict=True)]
        print("  ".join(cells).rstrip())
    print()
'''.splitlines()


def to_python(
    graph: WorkflowGraph,
    *,
    dataset_paths: Mapping[str, str],
    dataset_notes: Mapping[str, str] | None = None,
    title: str = "workflow",
) -> str:
    """The script's text. `dataset_paths` maps a Dataset node's id to the table file the script reads (a relative
    path is relative to the script's folder; a node left out keeps its own `path` setting); `dataset_notes` puts a
    comment above a path (which server dataset it stands for, say). Validate the graph first: settings that do not
    parse, an edge to nowhere or a cycle raise InvalidInputError."""
    return _Writer(graph, dataset_paths, dataset_notes or {}, title).script()


class _Writer:
    def __init__(self, graph: WorkflowGraph, paths: Mapping[str, str], notes: Mapping[str, str], title: str) -> None:
        self.graph = graph
        self.paths = paths
        self.notes = notes
        self.title = title
        self.nodes = {node.id: node for node in graph.nodes}
        self.incoming: dict[str, list[Edge]] = defaultdict(list)
        for edge in graph.edges:
            self.incoming[edge.target].append(edge)
        self.names = _variable_stems(graph)
        self.imports: dict[str, set[str]] = {NODES: {"evaluate"}}  # evaluate: score_row's, always defined
        self.constants: list[str] = []
        self.body: list[str] = []

    def script(self) -> str:
        for node_id in _dependency_order(self.graph, self.incoming):
            self._node(self.nodes[node_id])
        return self._assemble()

    # -- variables -----------------------------------------------------------------------------------------------

    def _var(self, node_id: str, port: str) -> str:
        return f"{self.names[node_id]}_{port}"

    def _input(self, node: Node, port: str) -> str:
        """The variable on an input port: its first edge's, as a local run takes it; None when unconnected."""
        found = [self._var(e.source, e.sourceHandle) for e in self.incoming[node.id] if e.targetHandle == port]
        return found[0] if found else "None"

    # -- nodes ---------------------------------------------------------------------------------------------------

    def _node(self, node: Node) -> None:
        try:
            settings = settings_model(node.type).model_validate(node.data.get("settings") or {})
        except ValidationError as exc:
            raise InvalidInputError(
                f"node {node.id!r} has settings that do not parse ({exc.error_count()} problem(s)); validate it"
            ) from None
        label = node.data.get("label")
        heading = f"{_TYPE_LABEL[node.type]} {node.id!r}" + (f": {label}" if isinstance(label, str) else "")
        self.body.extend(["", _comment(heading, indent=4)])
        self.body.extend(self._statements(node, settings))

    def _statements(self, node: Node, settings: BaseModel) -> list[str]:
        if isinstance(settings, DatasetSettings):
            return self._dataset(node, settings)
        if isinstance(settings, SplitSettings):
            outputs = f"{self._var(node.id, 'train')}, {self._var(node.id, 'test')}"
            return self._step(node, outputs, "split", [self._input(node, "table")], settings)
        if isinstance(settings, PreprocessingSettings):
            # The third value, the fitted preprocessing, feeds no port: a local run keeps it for the cache only.
            outputs = f"{self._var(node.id, 'train')}, {self._var(node.id, 'test')}, _"
            inputs = [self._input(node, "train"), self._input(node, "test")]
            return [
                "    # Fitted on the training rows only, then applied to the test rows.",
                *self._step(node, outputs, "preprocess", inputs, settings),
            ]
        if isinstance(settings, ModelSettings):
            target = self._var(node.id, "model")
            return self._step(node, target, "fit_model", [self._input(node, "train")], settings, "registry")
        if isinstance(settings, EvaluationSettings):
            return self._evaluation(node, settings)
        if isinstance(settings, VisualizationSettings):
            self.imports.setdefault("flowml.workflows.figures", set()).add("figure")
            test = self._input(node, "test")
            args = [_literal(settings.kind), self._input(node, "model"), test]
            seed = f"{test}.seed" if test != "None" else "0"
            return [
                "    # The chart's data (JSON-ready), to plot as you like.",
                *_statement(f"figures[{_literal(node.id)}]", "figure", args, [("seed", seed)]),
            ]
        if isinstance(settings, DeploySettings):
            self.imports[NODES].add("write_package")
            # As a local run names it: the name's last part only, so the package stays inside OUTPUT_DIR.
            folder = Path(settings.name or node.id).name or node.id
            args = [self._input(node, "model"), f"OUTPUT_DIR / {_literal(folder)}"]
            return _statement(f"packages[{_literal(node.id)}]", "write_package", args)
        raise InvalidInputError(f"a {node.type} node cannot be exported")

    def _step(
        self, node: Node, outputs: str, function: str, inputs: list[str], settings: BaseModel, *extra: str
    ) -> list[str]:
        """`outputs = function(*inputs, Settings(...), *extra)`; the settings get a line of their own when the call
        would not fit on one. A model's search runs its trials on WORKERS processes."""
        self.imports[NODES].add(function)
        constructor, kwargs = self._settings(settings)
        keywords = [("workers", "WORKERS")] if function == "fit_model" else []
        inline = _call(constructor, [], kwargs)
        if len(f"    {outputs} = {_call(function, [*inputs, inline, *extra], keywords)}") <= MAX_LINE:
            return _statement(outputs, function, [*inputs, inline, *extra], keywords)
        named = f"{self.names[node.id]}_settings"
        return [
            *_statement(named, constructor, [], kwargs),
            *_statement(outputs, function, [*inputs, named, *extra], keywords),
        ]

    def _dataset(self, node: Node, settings: DatasetSettings) -> list[str]:
        self.imports[NODES].add("read_dataset")
        path = self.paths.get(node.id) or settings.path
        note = self.notes.get(node.id)
        if path is None:
            path = f"{self.names[node.id]}.csv"
            note = note or "the workflow names no file here: point this at the table to read"
        constant = f"{self.names[node.id].upper()}_PATH"
        where = f"Path({_literal(path)}).expanduser()" if path.startswith("~") else f"HERE / {_literal(path)}"
        if note:
            self.constants.append(_comment(note))
        self.constants.append(f"{constant} = {where}")
        return [
            "    # Read and typed as `flowml train` reads it; rows without a target are left out.",
            *_statement(
                self._var(node.id, "table"), "read_dataset", [constant], [("target", _literal(settings.target))]
            ),
        ]

    def _evaluation(self, node: Node, settings: EvaluationSettings) -> list[str]:
        test = self._input(node, "test")
        metrics = f"{self.names[node.id]}_metrics"
        lines = [
            "    # One row per model, in the order of its edges: the scores on the test rows.",
            f"    {metrics} = {_literal(list(settings.metrics) if settings.metrics is not None else None)}",
            f"    evaluations[{_literal(node.id)}] = [",
        ]
        for edge in self.incoming[node.id]:
            if edge.targetHandle != "model":
                continue
            label = self.nodes[edge.source].data.get("label")
            shown = label if isinstance(label, str) else edge.source
            args = [_literal(edge.source), _literal(shown), self._var(edge.source, edge.sourceHandle), test, metrics]
            lines.append(f"        score_row({', '.join(args)}),")
        return [*lines, "    ]"]

    def _settings(self, settings: BaseModel) -> tuple[str, list[tuple[str, str]]]:
        """The settings model's name and the arguments that differ from its defaults (a model's mode always)."""
        name = type(settings).__name__
        self.imports.setdefault(CATALOGUE, set()).add(name)
        values = settings.model_dump(exclude_defaults=True)
        if isinstance(settings, SplitSettings):  # the share and the seed decide the scores: always spelled out
            values = {"test_size": settings.test_size, "seed": settings.seed, **values}
        if isinstance(settings, ModelSettings):
            kept = _MODE_FIELDS[settings.mode]
            values = {"mode": settings.mode, **{k: v for k, v in values.items() if k in kept}}
        return name, [(key, self._setting(key, value)) for key, value in values.items()]

    def _setting(self, name: str, value: Any) -> str:
        if name == "steps":  # StepSettings(...), so each preprocessor reads as the step it is
            self.imports[CATALOGUE].add("StepSettings")
            return (
                "["
                + ", ".join(_call("StepSettings", [], [(k, _literal(v)) for k, v in s.items()]) for s in value)
                + "]"
            )
        return _literal(value)

    # -- the whole script ----------------------------------------------------------------------------------------

    def _assemble(self) -> str:
        imports = [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(self.imports.items())]
        head = [
            "#!/usr/bin/env python3",
            f'"""{_docstring_text(self.title)}: a FlowML workflow as a Python script.',
            "",
            "Exported from FlowML Studio. Each block in main() is one node of the workflow, in dependency order,",
            "calling the functions `flowml workflow run` calls: the same data and seeds give the same test scores (an",
            "AutoML search stops at its time budget, so on a busier machine it may finish fewer trials). Needs FlowML",
            "installed. Run it with python; --json prints the evaluation tables as JSON.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "import argparse",
            "import json",
            "from pathlib import Path",
            "from typing import Any",
            "",
            "from flowml.engine.algorithms import default_registry",
            *imports,
            "",
            "HERE = Path(__file__).resolve().parent",
            "# The tables the Dataset nodes read (a relative path is relative to this script's folder).",
            *self.constants,
            "# Deploy nodes write their model packages (what `flowml train --output` writes) into this folder.",
            'OUTPUT_DIR = HERE / "models"',
            "# Worker processes for the trials of AutoML and clustering searches.",
            "WORKERS = 1",
            "",
            "",
            "def main() -> None:",
            '    parser = argparse.ArgumentParser(description="Run the workflow and print its evaluation tables.")',
            '    parser.add_argument("--json", action="store_true", help="print the evaluation tables as JSON")',
            "    args = parser.parse_args()",
            "    registry = default_registry()  # the installed algorithms, plugins' included",
            "    evaluations: dict[str, list[dict[str, Any]]] = {}",
            "    packages: dict[str, dict[str, Any]] = {}",
            "    figures: dict[str, dict[str, Any]] = {}",
        ]
        tail = [
            "",
            "    if args.json:",
            '        results = {"evaluations": evaluations, "figures": figures, "packages": packages}',
            "        print(json.dumps(results, indent=2))",
            "        return",
            "    for node_id, rows in evaluations.items():",
            '        show(f"Evaluation {node_id} (test rows)", rows)',
            "    for node_id, chart in figures.items():",
            "        print(f\"Chart {node_id}: {chart['kind']} (its data: --json)\")",
            "    for node_id, package in packages.items():",
            "        print(f\"Model package {node_id}: {package['path']}\")",
            *_HELPERS,
            "",
            "",
            'if __name__ == "__main__":',
            "    main()",
        ]
        return "\n".join([*head, *self.body, *tail]) + "\n"


def _dependency_order(graph: WorkflowGraph, incoming: Mapping[str, list[Edge]]) -> list[str]:
    """As a local run orders them (Kahn's algorithm): of the nodes ready, the one listed first comes first."""
    position = {node.id: index for index, node in enumerate(graph.nodes)}
    waiting = {node.id: len(incoming.get(node.id, [])) for node in graph.nodes}
    after: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        if edge.source not in position or edge.target not in position:
            raise InvalidInputError(f"edge {edge.id!r} names a node that does not exist; validate the workflow")
        after[edge.source].append(edge.target)
    ready = [(position[node_id], node_id) for node_id, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, node_id = heapq.heappop(ready)
        order.append(node_id)
        for nxt in after[node_id]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, (position[nxt], nxt))
    if len(order) < len(graph.nodes):
        raise InvalidInputError("the workflow has a cycle; validate it")
    return order


# -- text ------------------------------------------------------------------------------------------------------------


def _variable_stems(graph: WorkflowGraph) -> dict[str, str]:
    """A Python name per node id ("Split 1" -> split_1), unique, never a keyword or one of the script's names."""
    taken = {stem for stem in (name.rsplit("_", 1)[0] for name in _SCRIPT_NAMES) if _shadows(stem)}
    stems: dict[str, str] = {}
    for node in graph.nodes:
        stem = re.sub(r"[^0-9a-zA-Z]+", "_", node.id).strip("_").lower() or "node"
        if stem[0].isdigit() or keyword.iskeyword(stem):
            stem = f"n_{stem}"
        unique, count = stem, 1
        while unique in taken:
            count += 1
            unique = f"{stem}_{count}"
        taken.add(unique)
        stems[node.id] = unique
    return stems


def _shadows(stem: str) -> bool:
    return any(f"{stem}_{suffix}" in _SCRIPT_NAMES for suffix in _SUFFIXES)


def _call(function: str, args: Sequence[str], kwargs: Sequence[tuple[str, str]]) -> str:
    return f"{function}({', '.join([*args, *(f'{k}={v}' for k, v in kwargs)])})"


def _statement(target: str, function: str, args: Sequence[str], kwargs: Sequence[tuple[str, str]] = ()) -> list[str]:
    """`target = function(...)` in main(): one line when it fits, else one argument a line."""
    line = f"    {target} = {_call(function, args, kwargs)}"
    if len(line) <= MAX_LINE:
        return [line]
    items = [*args, *(f"{k}={v}" for k, v in kwargs)]
    return [f"    {target} = {function}(", *(f"        {item}," for item in items), "    )"]


def _literal(value: Any) -> str:
    """Python source for a settings value (JSON-like data): repr, except what repr cannot write back (NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if value is None or isinstance(value, bool | int | float | str):
        text = repr(value)
        return f'"{value}"' if isinstance(value, str) and text == f"'{value}'" and '"' not in value else text
    raise InvalidInputError(f"a setting holds a {type(value).__name__}, which a script cannot spell out")


def _comment(text: str, *, indent: int = 0) -> str:
    """One comment line: line breaks and other control characters in user text (labels, names) become spaces."""
    clean = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()
    return f"{' ' * indent}# {clean}"


def _docstring_text(text: str) -> str:
    """User text safe inside a one-line docstring: no quotes that could end it, no backslashes, no line breaks."""
    clean = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).replace("\\", "/").replace('"', "'").strip()
    return clean or "workflow"
