"""The node catalogue: every node type, its typed ports, and the settings it takes (a Pydantic model per type).

`catalogue(registry)` is what `GET /api/nodes` answers. Its settings schemas come from the live registry, so a
plugin's algorithms and preprocessors appear in the canvas's forms (as enums, with each one's parameter space and
defaults under the `x-flowml-*` keys) without a frontend change. The settings models themselves are static and
name-agnostic: whether a named algorithm exists is `validate.validate`'s question, asked of the caller's registry.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flowml.engine.metrics import METRICS
from flowml.engine.preprocessor import Preprocessors, default_preprocessors
from flowml.engine.registry import Registry
from flowml.workflows.ports import PortSpec, PortType

MAX_SEED = 2**31 - 1  # as a training request's seed (services/jobs/requests.py)
MAX_TIME_BUDGET_S = 24 * 3600.0  # a sanity bound; the server's MAX_TIME_BUDGET applies when a run starts
MAX_NAMES = 1000  # columns or algorithms one setting may list
MAX_NAME_LENGTH = 255


class NodeType(StrEnum):
    """The kinds of node a workflow holds (React Flow's node `type`)."""

    DATASET = "dataset"
    SPLIT = "split"
    PREPROCESSING = "preprocessing"
    MODEL = "model"
    EVALUATION = "evaluation"
    VISUALIZATION = "visualization"
    DEPLOY = "deploy"


class _Settings(BaseModel):
    # A misspelt setting is refused rather than silently ignored (it would run with the default instead).
    model_config = ConfigDict(extra="forbid")


# A column, algorithm, metric or preprocessor name inside a list setting.
Name = Annotated[str, Field(max_length=MAX_NAME_LENGTH)]


class DatasetSettings(_Settings):
    dataset_id: str | None = Field(
        default=None, max_length=MAX_NAME_LENGTH, description="The uploaded dataset to read; null until one is chosen"
    )
    target: str | None = Field(
        default=None,
        max_length=MAX_NAME_LENGTH,
        description="The column to predict; null for clustering (no target)",
    )
    path: str | None = Field(
        default=None,
        max_length=4096,
        description="Local runs only (`flowml workflow run`): a table file, relative to the workflow file, "
        "read instead of an uploaded dataset",
        # The canvas leaves out settings so marked: on a server a dataset is an upload, never a server path.
        json_schema_extra={"x-flowml-local-only": True},
    )


class SplitSettings(_Settings):
    test_size: float = Field(default=0.2, ge=0.05, le=0.95, description="The share of rows held out as the test set")
    stratify: bool = Field(
        default=True, description="Keep each class's share equal in both halves (classification, random mode)"
    )
    seed: int = Field(default=42, ge=0, le=MAX_SEED, description="Seeds the shuffle: the same seed, the same split")
    mode: Literal["random", "time", "group"] = Field(
        default="random",
        description="random: shuffled rows; time: the latest rows (by order_column) are the test set; "
        "group: every row of a group (group_column) falls on the same side",
    )
    order_column: str | None = Field(
        default=None, max_length=MAX_NAME_LENGTH, description="The column that orders rows in time (time mode)"
    )
    group_column: str | None = Field(
        default=None, max_length=MAX_NAME_LENGTH, description="The column whose groups stay whole (group mode)"
    )


class StepSettings(_Settings):
    name: str = Field(max_length=MAX_NAME_LENGTH, description="The preprocessor (built in or a plugin's)")
    params: dict[str, Any] | None = Field(
        default=None,
        description="Its parameters, over its defaults; null lets a model node in automl mode tune them",
    )


class PreprocessingSettings(_Settings):
    imputation: Literal["auto", "median", "mean", "most_frequent"] = Field(
        default="auto",
        description="How missing numbers are filled (auto: the median plus a was-missing flag); "
        "missing categories are always a category of their own",
    )
    scaling: Literal["auto", "standard", "minmax", "robust", "none"] = Field(
        default="auto", description="How numeric columns are scaled (auto: standardized for algorithms that want it)"
    )
    encoding: Literal["auto", "onehot", "ordinal", "target"] = Field(
        default="auto",
        description="How categories become numbers (auto: native codes where the algorithm takes them, else "
        "one-hot up to 20 values and target encoding above)",
    )
    columns: list[Name] | None = Field(
        default=None, max_length=MAX_NAMES, description="Keep only these columns (the target is always kept); null: all"
    )
    drop: list[Name] = Field(default_factory=list, max_length=MAX_NAMES, description="Columns to leave out")
    date_parts: bool = Field(
        default=True, description="Expand date columns into year, month, day, weekday, hour, day of year and weekend"
    )
    text: bool = Field(
        default=True, description="Turn free-text columns into TF-IDF features (false: leave text columns out)"
    )
    steps: list[StepSettings] = Field(
        default_factory=list, max_length=20, description="Preprocessors run after the encoding, in this order"
    )


class ModelSettings(_Settings):
    mode: Literal["single", "automl", "clustering"] = Field(
        default="automl",
        description="single: one algorithm with its parameters; automl: search algorithms and parameters within "
        "the time budget (the training job's search); clustering: search clustering algorithms (no target)",
    )
    algorithm: str | None = Field(default=None, max_length=MAX_NAME_LENGTH, description="The algorithm (single mode)")
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="The algorithm's parameters over its defaults (single mode); see x-flowml-algorithms for each "
        "algorithm's space and defaults",
    )
    algorithms: list[Name] | None = Field(
        default=None,
        max_length=MAX_NAMES,
        description="The algorithms to search (automl and clustering modes); null: every one for the task",
    )
    time_budget_s: float = Field(
        default=60.0,
        gt=0,
        le=MAX_TIME_BUDGET_S,
        allow_inf_nan=False,
        description="Seconds the search may take (automl and clustering modes)",
    )
    metric: str | None = Field(
        default=None,
        max_length=MAX_NAME_LENGTH,
        description="The score the search optimises (automl and clustering modes); null: the task's default",
    )


class EvaluationSettings(_Settings):
    metrics: list[Name] | None = Field(
        default=None, max_length=100, description="The metrics to report on the test set; null: every one for the task"
    )


class VisualizationSettings(_Settings):
    kind: Literal[
        "confusion_matrix",
        "roc",
        "precision_recall",
        "residuals",
        "predicted_vs_actual",
        "feature_importance",
        "cluster_scatter",
        "learning_curve",
    ] = Field(description="The chart to draw")


class DeploySettings(_Settings):
    name: str | None = Field(
        default=None, max_length=MAX_NAME_LENGTH, description="The served model's name; null: the workflow's name"
    )


class NodeSpec(BaseModel):
    """One node type as the canvas sees it: its ports and the JSON schema of its settings."""

    type: NodeType
    label: str
    description: str
    category: Literal["data", "transform", "model", "evaluate", "deploy"]
    inputs: list[PortSpec]
    outputs: list[PortSpec]
    settings_schema: dict[str, Any] = Field(description="JSON schema of data.settings; x-flowml-* keys add facts")


def _in(name: str, type_: PortType, description: str, *, required: bool = True, multiple: bool = False) -> PortSpec:
    return PortSpec(name=name, type=type_, required=required, multiple=multiple, description=description)


def _out(name: str, type_: PortType, description: str) -> PortSpec:
    return PortSpec(name=name, type=type_, description=description)


_TRAIN_OUT = _out("train", PortType.TRAIN, "The training rows")
_TEST_OUT = _out("test", PortType.TEST, "The test rows")
_MODEL_IN = _in("model", PortType.MODEL, "A fitted model")

# Everything about a node type except its schema, which depends on the registry. Port names are the handle ids.
_SPECS: dict[NodeType, tuple[type[_Settings], NodeSpec]] = {
    spec.type: (model, spec)
    for model, spec in (
        (
            DatasetSettings,
            NodeSpec(
                type=NodeType.DATASET,
                label="Dataset",
                description="An uploaded dataset and its target column",
                category="data",
                inputs=[],
                outputs=[_out("table", PortType.TABLE, "Every row of the dataset")],
                settings_schema={},
            ),
        ),
        (
            SplitSettings,
            NodeSpec(
                type=NodeType.SPLIT,
                label="Train/Test Split",
                description="Holds out a test set: random, time-ordered or by group",
                category="data",
                inputs=[_in("table", PortType.TABLE, "The rows to split")],
                outputs=[_TRAIN_OUT, _TEST_OUT],
                settings_schema={},
            ),
        ),
        (
            PreprocessingSettings,
            NodeSpec(
                type=NodeType.PREPROCESSING,
                label="Preprocessing",
                description="Imputation, scaling, encoding, column selection and preprocessors: fitted on the "
                "training rows only, then applied to the test rows",
                category="transform",
                inputs=[
                    _in("train", PortType.TRAIN, "The rows it is fitted on"),
                    _in("test", PortType.TEST, "Rows it is applied to, never fitted on", required=False),
                ],
                outputs=[_TRAIN_OUT, _TEST_OUT],
                settings_schema={},
            ),
        ),
        (
            ModelSettings,
            NodeSpec(
                type=NodeType.MODEL,
                label="Model",
                description="One algorithm with its parameters, an AutoML search, or a clustering search",
                category="model",
                inputs=[_in("train", PortType.TRAIN, "The rows it learns from")],
                outputs=[_out("model", PortType.MODEL, "The fitted model")],
                settings_schema={},
            ),
        ),
        (
            EvaluationSettings,
            NodeSpec(
                type=NodeType.EVALUATION,
                label="Evaluation",
                description="Scores models on the test rows; several models give a comparison table",
                category="evaluate",
                inputs=[
                    _in("model", PortType.MODEL, "The models to score", multiple=True),
                    _in("test", PortType.TEST, "The rows they are scored on"),
                ],
                outputs=[_out("metrics", PortType.METRICS, "One row of scores per model")],
                settings_schema={},
            ),
        ),
        (
            VisualizationSettings,
            NodeSpec(
                type=NodeType.VISUALIZATION,
                label="Visualization",
                description="A chart of a model: confusion matrix, ROC, residuals, importance, clusters, ...",
                category="evaluate",
                inputs=[_MODEL_IN, _in("test", PortType.TEST, "The rows the chart is drawn on", required=False)],
                outputs=[_out("figure", PortType.FIGURE, "The chart")],
                settings_schema={},
            ),
        ),
        (
            DeploySettings,
            NodeSpec(
                type=NodeType.DEPLOY,
                label="Deploy",
                description="Serves the connected model on the predict endpoints (and as ONNX)",
                category="deploy",
                inputs=[_MODEL_IN],
                outputs=[],
                settings_schema={},
            ),
        ),
    )
}


def settings_model(node_type: NodeType) -> type[BaseModel]:
    """The Pydantic model a node's `data["settings"]` must parse as."""
    return _SPECS[node_type][0]


def ports(node_type: NodeType) -> tuple[list[PortSpec], list[PortSpec]]:
    """(inputs, outputs) of a node type, without building its schema (validation asks this per node)."""
    spec = _SPECS[node_type][1]
    return spec.inputs, spec.outputs


def node_spec(
    node_type: NodeType, registry: Registry | None = None, preprocessors: Preprocessors | None = None
) -> NodeSpec:
    """One node type with its settings schema, drawn from `registry` (default: the installed algorithms) and
    `preprocessors` (default: the installed ones)."""
    if registry is None:
        from flowml.engine.algorithms import default_registry  # builds every algorithm; only when not given one

        registry = default_registry()
    steps = preprocessors if preprocessors is not None else default_preprocessors()
    model, spec = _SPECS[node_type]
    schema = model.model_json_schema()
    _add_names(node_type, schema, registry, steps)
    return spec.model_copy(update={"settings_schema": schema})


def catalogue(registry: Registry, preprocessors: Preprocessors | None = None) -> list[NodeSpec]:
    """Every node type, in palette order, with schemas for `registry`'s algorithms (plugins included)."""
    return [node_spec(node_type, registry, preprocessors) for node_type in NodeType]


def _add_names(node_type: NodeType, schema: dict[str, Any], registry: Registry, steps: Preprocessors) -> None:
    """Turn the free-text name settings into enums of what is installed, and attach what a form needs to know
    about each name (an algorithm's tasks, space and defaults; a metric's tasks and direction)."""
    props = schema["properties"]
    metric_names = [m.name for m in METRICS]
    if node_type is NodeType.MODEL:
        names = registry.names()
        _enum(props["algorithm"], names)
        _enum(props["algorithms"], names)
        _enum(props["metric"], metric_names)
        schema["x-flowml-algorithms"] = [algo.describe().model_dump(mode="json") for algo in registry]
        schema["x-flowml-metrics"] = [m.describe() for m in METRICS]
    elif node_type is NodeType.EVALUATION:
        _enum(props["metrics"], metric_names)
        schema["x-flowml-metrics"] = [m.describe() for m in METRICS]
    elif node_type is NodeType.PREPROCESSING:
        _enum(schema["$defs"]["StepSettings"]["properties"]["name"], steps.names())
        schema["x-flowml-preprocessors"] = [step.describe().model_dump(mode="json") for step in steps]


def _enum(prop: dict[str, Any], names: list[str]) -> None:
    """Restrict a string property (or the strings inside its nullable / list forms) to `names`."""
    for variant in prop.get("anyOf", [prop]):
        if variant.get("type") == "string":
            variant["enum"] = list(names)
        elif variant.get("type") == "array":
            variant["items"] = {**variant.get("items", {}), "enum": list(names)}
