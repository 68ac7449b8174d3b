"""The preprocessor contract: a fit/transform step with its own search space, placed before the estimator.

A preprocessor works on the numeric matrix the model receives (after FlowML's own encoding: imputation, one-hot or
category codes, scaling), so it never sees raw columns. A job may name preprocessors; each trial then samples
their parameters along with the algorithm's (Optuna names `<preprocessor>__<param>`) and the trial's pipeline runs
them, in the order named, between the encoding and the estimator (engine/model.py).

How a trial carries them: inside its flat `params`, so they travel wherever params already go (the trial spec and
result, the database, the leaderboard, ensemble members, the final refit, a resumed job) without a second field at
every seam. `params["preprocessors"]` lists the steps ("quantile_clip,pca") and each step's parameters appear under
their Optuna names ("pca__n_components"). An algorithm's own parameters can never look like that: a space refuses
names with "__", and the plugin check refuses a parameter called "preprocessors". `split_params` and
`join_params` are the one place that reads and writes this form.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import optuna
from pydantic import BaseModel

from flowml.core.errors import InvalidInputError
from flowml.engine.registry import BUILTIN, AlgorithmOrigin
from flowml.engine.space import SearchSpace

if TYPE_CHECKING:  # the ONNX libraries load only when a model is exported
    from flowml.engine.onnx import Converter

STEPS_KEY = "preprocessors"
STEP_SEPARATOR = ","
SEPARATOR = "__"  # between a preprocessor's name and its parameter's, as in Optuna's names
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
STEP_PREFIX = "step:"  # a pipeline's step that runs a preprocessor is called "step:<name>"


class PreprocessorInfo(BaseModel):
    """What `GET /api/plugins` and a form for the step show: its parameters, defaults and origin."""

    name: str
    label: str
    space: SearchSpace
    defaults: dict[str, Any]
    origin: AlgorithmOrigin


class Preprocessor(ABC):
    """Contract of a search-tunable transformation step (plugins provide them; `flowml.testing` checks one).

    `build` returns an unfitted scikit-learn transformer: `fit(X, y)` then `transform(X)` on a float matrix, giving a
    float matrix with the same rows (the width may change, e.g. PCA).
    """

    name: ClassVar[str]  # stable id, lower_snake_case; also the Optuna prefix of its parameters
    label: ClassVar[str]  # shown in the UI
    # Set by whoever loads it (engine/plugins.py for a plugin); an instance attribute once set.
    origin: AlgorithmOrigin = BUILTIN

    @abstractmethod
    def space(self) -> SearchSpace:
        """The parameters the search tunes; a sample is exactly what `build` accepts."""

    @abstractmethod
    def default_params(self) -> dict[str, Any]:
        """A good first configuration; `space().problems(...)` of it must be empty."""

    @abstractmethod
    def build(self, params: Mapping[str, Any], *, seed: int) -> Any:
        """An unfitted transformer for `params`."""

    def onnx_converters(self) -> Sequence[Converter]:
        """skl2onnx converters for the transformer types `build` returns that skl2onnx does not know; none by
        default (a step without one makes the model's ONNX export report it as unsupported, by name). Only called
        when a model is exported: import the converters inside."""
        return ()

    @property
    def optuna_prefix(self) -> str:
        return f"{self.name}{SEPARATOR}"

    def sample(self, trial: optuna.Trial) -> dict[str, Any]:
        """One configuration drawn through `trial` under this preprocessor's prefix (unprefixed names)."""
        return self.space().sample(trial, self.optuna_prefix)

    def describe(self) -> PreprocessorInfo:
        return PreprocessorInfo(
            name=self.name, label=self.label, space=self.space(), defaults=self.default_params(), origin=self.origin
        )


@dataclass(frozen=True)
class Preprocessors:
    """Immutable name -> Preprocessor mapping (the installed ones: `default_preprocessors()`)."""

    items: Mapping[str, Preprocessor]

    @classmethod
    def of(cls, items: Iterable[Preprocessor]) -> Preprocessors:
        found: dict[str, Preprocessor] = {}
        for item in items:
            if not NAME_PATTERN.match(item.name) or SEPARATOR in item.name:
                raise ValueError(f"preprocessor name {item.name!r} must be lower_snake_case without '__'")
            if item.name in found:
                raise ValueError(f"duplicate preprocessor name {item.name!r}")
            found[item.name] = item
        return cls(found)

    @classmethod
    def merged(cls, *many: Preprocessors) -> Preprocessors:
        """One mapping of them all; ValueError on a name in two of them."""
        return cls.of(step for each in many for step in each)

    def __iter__(self) -> Iterator[Preprocessor]:
        return iter(self.items.values())

    def __contains__(self, name: object) -> bool:
        return name in self.items

    def names(self) -> list[str]:
        return list(self.items)

    def get(self, name: str) -> Preprocessor:
        try:
            return self.items[name]
        except KeyError:
            known = ", ".join(sorted(self.items)) or "none installed"
            raise KeyError(f"unknown preprocessor {name!r}; known: {known}") from None

    def choose(self, requested: Iterable[str] | None) -> list[str]:
        """The preprocessors a job runs, in the order asked (none by default), validated."""
        chosen = list(dict.fromkeys(requested or []))
        unknown = [name for name in chosen if name not in self.items]
        if unknown:
            known = ", ".join(sorted(self.items)) or "none installed"
            raise InvalidInputError(f"unknown preprocessor(s): {', '.join(unknown)}; available: {known}")
        return chosen


def join_params(algorithm_params: Mapping[str, Any], steps: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """A trial's flat params: the algorithm's, then the steps' list and each step's params under its Optuna name."""
    params = dict(algorithm_params)
    if not steps:
        return params
    params[STEPS_KEY] = STEP_SEPARATOR.join(name for name, _ in steps)
    for name, step_params in steps:
        params.update({f"{name}{SEPARATOR}{key}": value for key, value in step_params.items()})
    return params


def split_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """The inverse of `join_params`: (the algorithm's params, [(preprocessor, its params), ...] in order)."""
    listed = params.get(STEPS_KEY)
    names = [n for n in str(listed).split(STEP_SEPARATOR) if n] if listed else []
    steps: list[tuple[str, dict[str, Any]]] = [(name, {}) for name in names]
    by_name = dict(steps)
    algorithm: dict[str, Any] = {}
    for key, value in params.items():
        if key == STEPS_KEY:
            continue
        owner, sep, param = key.partition(SEPARATOR)
        if sep and owner in by_name:
            by_name[owner][param] = value
        else:
            algorithm[key] = value
    return algorithm, steps


def build_steps(
    steps: Sequence[tuple[str, Mapping[str, Any]]], *, seed: int, preprocessors: Preprocessors | None = None
) -> list[tuple[str, Any]]:
    """Named, unfitted transformers for a pipeline; `preprocessors` defaults to the installed ones."""
    if not steps:
        return []
    known = preprocessors if preprocessors is not None else default_preprocessors()
    return [(f"{STEP_PREFIX}{name}", known.get(name).build(params, seed=seed)) for name, params in steps]


def pipeline_steps(pipeline: Any) -> list[str]:
    """The preprocessors a fitted or unfitted pipeline (engine/model.py `build_pipeline`) runs, in order."""
    return [name.removeprefix(STEP_PREFIX) for name, _ in pipeline.steps if name.startswith(STEP_PREFIX)]


def step_labels(params: Mapping[str, Any], preprocessors: Preprocessors | None = None) -> list[str]:
    """What a person reads for the steps in a trial's `params` ("PCA (principal components)"); a step no longer
    installed is shown by its name."""
    known = preprocessors if preprocessors is not None else default_preprocessors()
    return [known.get(name).label if name in known else name for name, _ in split_params(params)[1]]


@cache
def default_preprocessors() -> Preprocessors:
    """The built-in preprocessors and every installed plugin's (engine/plugins.py: a plugin never replaces a
    built-in); found once per process."""
    from flowml.engine.plugins import installed_plugins  # plugins import this module's contract
    from flowml.engine.preprocessors import builtin_preprocessors  # the built-ins implement this contract

    return Preprocessors.merged(builtin_preprocessors(), installed_plugins().preprocessors)
