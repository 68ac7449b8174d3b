"""The algorithm contract and the registry that holds algorithms by name.

One algorithm = one class owning every fact about it: its search space (data, see `space.py`), defaults, cost,
memory estimate, GPU parameters and build check, the distributions it needs, native-categorical and ONNX support,
and how it builds its estimator. Nothing elsewhere keeps a table keyed by algorithm name: callers ask the registry.

The built-ins are listed explicitly in `flowml.engine.algorithms.default_registry` (no registration by import side
effect); `Registry.of` rejects duplicate or malformed names and records each algorithm's origin (built in, or which
plugin package and version). `flowml.testing.check_algorithm` is the contract every entry passes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import optuna
from pydantic import BaseModel, ConfigDict, Field

from flowml.core.errors import InvalidInputError
from flowml.engine.space import SearchSpace
from flowml.engine.types import ProblemType

if TYPE_CHECKING:  # the ONNX libraries load only when a model is exported
    from flowml.engine.onnx import Converter

# What an algorithm's own working memory is, by default, in copies of the encoded training matrix (float64): a
# deliberately generous guess for an algorithm that does not say (see `Algorithm.memory_bytes`).
GENERIC_DATA_COPIES = 2
FLOAT64_BYTES = 8


def generic_memory_bytes(n_rows: int, n_cols: int) -> float:
    """The working memory assumed for an algorithm that does not estimate its own (or that this process lacks)."""
    return GENERIC_DATA_COPIES * n_rows * n_cols * FLOAT64_BYTES


class AlgorithmOrigin(BaseModel):
    """Where an algorithm comes from: built into FlowML, or a plugin distribution at a version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["builtin", "plugin"]
    package: str | None = Field(default=None, description="The plugin's distribution name; null when built in")
    version: str | None = Field(default=None, description="The plugin's version; null when built in")


BUILTIN = AlgorithmOrigin(source="builtin")


class GpuSupport(BaseModel):
    """How an algorithm trains on a CUDA GPU: the library whose GPU build it needs, and the estimator parameters
    that move it onto the first visible device (applied by the trial on top of the searched ones)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    library: str = Field(description="The distribution whose CUDA build it needs, e.g. xgboost")
    params: dict[str, Any] = Field(description="Estimator parameters for the first visible GPU")


class AlgorithmInfo(BaseModel):
    """Everything `GET /api/algorithms` says about one algorithm: enough to draw a form for its parameters."""

    name: str
    label: str
    family: str
    tasks: list[ProblemType]
    gpu: str | None = Field(description="The library whose GPU build it trains on; null when it is CPU-only")
    native_categorical: bool = Field(description="Takes categorical columns as integer codes instead of one-hot")
    onnx: bool = Field(description="Its fitted models export to ONNX")
    space: dict[ProblemType, SearchSpace] = Field(description="The search space, per task it serves")
    defaults: dict[ProblemType, dict[str, Any]] = Field(description="The first configuration tried, per task")
    origin: AlgorithmOrigin


@dataclass(frozen=True)
class FitContext:
    """Facts about one fit that only the caller knows, for algorithms that can use them.

    `n_categorical`: the first this many input columns are integer category codes (-1 = missing or unseen); only
    algorithms with `native_categorical = True` receive them so. `deadline`: a Unix time after which a
    cooperative algorithm (boosting rounds) should stop and raise `flowml.engine.deadline.BudgetExhausted`.
    `cancel_path`: a file whose existence means the job was cancelled (raise `Cancelled`).
    """

    n_categorical: int = 0
    deadline: float | None = None
    cancel_path: str | None = None


class Algorithm(ABC):
    """Contract every algorithm implements (built in or plugin); `flowml.testing.check_algorithm` checks it.

    Class attributes are facts the search, the router, the packager and the UI read; methods are pure and cheap,
    except `build`, which returns an unfitted scikit-learn compatible estimator (fit/predict, predict_proba for
    classifiers).
    """

    name: ClassVar[str]  # stable id, e.g. "random_forest"; also the Optuna prefix
    label: ClassVar[str]  # shown in the UI, e.g. "Random Forest"
    family: ClassVar[str]  # "linear", "tree", "bagging", "boosting", "neighbors", "svm", "bayes", "neural", ...
    tasks: ClassVar[frozenset[ProblemType]]
    needs_scaling: ClassVar[bool] = False  # linear, SVM, KNN, MLP want standardized numeric inputs
    # Receives categoricals as codes (the first FitContext.n_categorical columns, -1 = missing), not one-hot.
    native_categorical: ClassVar[bool] = False
    cost: ClassVar[float] = 1.0  # relative cost of default params vs LightGBM (=1); orders the warm start
    max_rows: ClassVar[int | None] = None  # beyond this many training rows the algorithm is skipped (e.g. SVM)
    gpu: ClassVar[GpuSupport | None] = None  # None: CPU only
    # Distributions a fitted model needs to load and behave the same (their versions go into the model card).
    requires: ClassVar[tuple[str, ...]] = ("scikit-learn",)
    # Fitted models export to ONNX with parity (the contract checks it); off unless the algorithm says so.
    onnx: ClassVar[bool] = False
    # Set by the registry that holds the algorithm (`Registry.of`); an instance attribute once set.
    origin: AlgorithmOrigin = BUILTIN

    @abstractmethod
    def space(self, task: ProblemType) -> SearchSpace:
        """The parameters the search tunes for `task`; a sample is exactly what `build` accepts."""

    @abstractmethod
    def default_params(self, task: ProblemType) -> dict[str, Any]:
        """A good first configuration; `space(task).problems(...)` of it must be empty."""

    def space_for(self, task: ProblemType, n_rows: int) -> SearchSpace:
        """The space a job on `n_rows` rows searches: `space(task)` unless a range depends on the data (clustering's
        number of clusters grows with the rows). `space(task)` is what GET /api/algorithms shows."""
        return self.space(task)

    def default_params_for(self, task: ProblemType, n_rows: int) -> dict[str, Any]:
        """The first configuration a job on `n_rows` rows tries; must lie in `space_for(task, n_rows)`."""
        return self.default_params(task)

    def warm_starts(self, task: ProblemType, n_rows: int) -> list[dict[str, Any]]:
        """The configurations a job tries before the sampler takes over, in order: the defaults alone, unless a
        cheap algorithm is worth a sweep (k-means over every number of clusters, so that the elbow is complete and
        the right k is never left to chance on a short budget). Each must lie in `space_for(task, n_rows)`."""
        return [self.default_params_for(task, n_rows)]

    @abstractmethod
    def build(self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1) -> Any:
        """An unfitted estimator for `params`."""

    def build_for(
        self, params: Mapping[str, Any], task: ProblemType, *, seed: int, n_jobs: int = 1, context: FitContext
    ) -> Any:
        """`build` with the fit's context; algorithms that use native categoricals or budget callbacks override it."""
        return self.build(params, task, seed=seed, n_jobs=n_jobs)

    def fast_params(self, task: ProblemType) -> dict[str, Any]:
        """A cheap configuration for contract tests and smoke runs: the defaults with fewer trees or rounds, which may
        lie below the search range (only the cost changes, not what is tested)."""
        return self.default_params(task)

    def memory_bytes(self, n_rows: int, n_cols: int, params: Mapping[str, Any], *, n_classes: int = 1) -> float:
        """The estimator's own peak working memory for one fit on `n_rows` x `n_cols` encoded float64 values
        (`n_classes`: 1 for regression), on top of the data copies `engine/memory.py` counts for every algorithm.

        An order of magnitude, not a measurement; this default (two more copies of the matrix) is generous on
        purpose for an algorithm that does not say.
        """
        return generic_memory_bytes(n_rows, n_cols)

    def gpu_build_available(self) -> bool:
        """Whether the installed library can train this algorithm on a GPU. Only asked on a machine with an NVIDIA
        GPU (it may import the library or train a tiny model); raising means no."""
        return False

    def onnx_converters(self) -> Sequence[Converter]:
        """skl2onnx converters for the estimator types this algorithm builds that skl2onnx does not know (its own
        library's); none by default. Only called when a model is exported: import the converters inside."""
        return ()

    @property
    def optuna_prefix(self) -> str:
        """What this algorithm's parameter names carry in an Optuna study ("lightgbm__n_estimators")."""
        return f"{self.name}__"

    def sample(self, trial: optuna.Trial, task: ProblemType, n_rows: int | None = None) -> dict[str, Any]:
        """One configuration from `space_for(task, n_rows)` (`space(task)` without rows), drawn through `trial` under
        this algorithm's prefix."""
        space = self.space(task) if n_rows is None else self.space_for(task, n_rows)
        return space.sample(trial, self.optuna_prefix)

    def require_task(self, task: ProblemType) -> None:
        """Refuse a task the algorithm does not declare, instead of silently building the wrong kind of estimator.
        `build` calls it first; the contract checks that an undeclared task raises this ValueError."""
        if task not in self.tasks:
            allowed = ", ".join(sorted(t.value for t in self.tasks))
            raise ValueError(f"algorithm {self.name!r} does not support task {task.value!r}; supported: {allowed}")

    def supports(self, task: ProblemType, n_rows: int) -> bool:
        return task in self.tasks and (self.max_rows is None or n_rows <= self.max_rows)

    def describe(self) -> AlgorithmInfo:
        tasks = sorted(self.tasks)
        return AlgorithmInfo(
            name=self.name,
            label=self.label,
            family=self.family,
            tasks=tasks,
            gpu=self.gpu.library if self.gpu is not None else None,
            native_categorical=self.native_categorical,
            onnx=self.onnx,
            space={task: self.space(task) for task in tasks},
            defaults={task: self.default_params(task) for task in tasks},
            origin=self.origin,
        )


@dataclass(frozen=True)
class Registry:
    """Immutable name -> Algorithm mapping with validation."""

    algorithms: Mapping[str, Algorithm]

    @classmethod
    def of(cls, items: Iterable[Algorithm], *, origin: AlgorithmOrigin = BUILTIN) -> Registry:
        """A registry of `items`, each recorded as coming from `origin` (built in unless a plugin says otherwise)."""
        registry: dict[str, Algorithm] = {}
        for algo in items:
            if algo.name in registry:
                raise ValueError(f"duplicate algorithm name {algo.name!r}")
            if not algo.name or "__" in algo.name:
                raise ValueError(f"algorithm name {algo.name!r} must be non-empty and must not contain '__'")
            algo.origin = origin
            registry[algo.name] = algo
        return cls(registry)

    @classmethod
    def merged(cls, *registries: Registry) -> Registry:
        """One registry holding every algorithm of `registries`, in order; a name in two of them is refused."""
        merged: dict[str, Algorithm] = {}
        for registry in registries:
            for name, algo in registry.algorithms.items():
                if name in merged:
                    raise ValueError(f"duplicate algorithm name {name!r} ({algo.origin} and {merged[name].origin})")
                merged[name] = algo
        return cls(merged)

    def __iter__(self) -> Iterator[Algorithm]:
        return iter(self.algorithms.values())

    def __contains__(self, name: object) -> bool:
        return name in self.algorithms

    def find(self, name: str) -> Algorithm | None:
        """The algorithm called `name`, or None (a name from another registry, e.g. a plugin this one lacks)."""
        return self.algorithms.get(name)

    def get(self, name: str) -> Algorithm:
        try:
            return self.algorithms[name]
        except KeyError:
            allowed = ", ".join(sorted(self.algorithms))
            raise KeyError(f"unknown algorithm {name!r}; known: {allowed}") from None

    def for_task(self, task: ProblemType, n_rows: int = 0) -> list[Algorithm]:
        return [a for a in self.algorithms.values() if a.supports(task, n_rows)]

    def names(self) -> list[str]:
        return list(self.algorithms)

    def choose(self, requested: Iterable[str] | None, task: ProblemType) -> list[str]:
        """The algorithms a job runs: all for the task by default, else the requested ones, validated."""
        available = [a.name for a in self.for_task(task)]
        chosen = list(dict.fromkeys(requested or []))
        if not chosen:
            return available
        unknown = [name for name in chosen if name not in available]
        if unknown:
            raise InvalidInputError(
                f"unknown algorithm(s) for {task.value}: {', '.join(unknown)}; available: {', '.join(available)}"
            )
        return chosen
