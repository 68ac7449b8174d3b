"""Search spaces as data: typed, JSON-serialisable parameter distributions an algorithm declares.

A `SearchSpace` is what `GET /api/algorithms` shows, what a form can be generated from, what Optuna samples from
(`sample`) and what a stored or hand-written configuration is checked against (`problems`). A malformed space (an
empty range, a log range through zero, no choices, a condition on a later or unknown parameter) is refused when it
is built, so an algorithm's mistake surfaces at import, not in the middle of a search.

Conditional parameters: a parameter with `when` exists only while an earlier parameter takes one of `when.values`;
`sample` skips it otherwise, and `problems` wants it absent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

import optuna
from pydantic import BaseModel, ConfigDict, Field, model_validator

# The values a categorical parameter (or a condition) may take: what JSON and Optuna's categorical both carry.
Choice = str | int | float | bool | None


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Frozen):
    """The parameter it is attached to exists only when `param` (an earlier one) takes one of `values`."""

    param: str
    values: list[Choice] = Field(min_length=1)

    def holds(self, params: Mapping[str, Any]) -> bool:
        return self.param in params and any(_same(params[self.param], v) for v in self.values)


class IntParam(_Frozen):
    kind: Literal["int"] = "int"
    low: int
    high: int
    log: bool = False
    step: int = 1
    when: Condition | None = None
    help: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.low > self.high:
            raise ValueError(f"low {self.low} > high {self.high}")
        if self.step < 1:
            raise ValueError(f"step must be >= 1, got {self.step}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log range needs low > 0, got {self.low}")
        if self.log and self.step != 1:
            raise ValueError("a log range samples every integer: step must be 1")  # Optuna refuses both
        return self

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return f"expected an integer, got {value!r}"
        if not self.low <= value <= self.high:
            return f"{value} is outside [{self.low}, {self.high}]"
        if (value - self.low) % self.step:
            return f"{value} is not on the grid {self.low} + k * {self.step}"
        return None

    def suggest(self, trial: optuna.Trial, name: str) -> int:
        return trial.suggest_int(name, self.low, self.high, log=self.log, step=self.step)


class FloatParam(_Frozen):
    kind: Literal["float"] = "float"
    low: float
    high: float
    log: bool = False
    when: Condition | None = None
    help: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError(f"bounds must be finite, got [{self.low}, {self.high}]")
        if self.low > self.high:
            raise ValueError(f"low {self.low} > high {self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log range needs low > 0, got {self.low}")
        return self

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return f"expected a number, got {value!r}"
        if not self.low <= value <= self.high:  # also refuses NaN
            return f"{value} is outside [{self.low}, {self.high}]"
        return None

    def suggest(self, trial: optuna.Trial, name: str) -> float:
        return trial.suggest_float(name, self.low, self.high, log=self.log)


class CategoricalParam(_Frozen):
    kind: Literal["categorical"] = "categorical"
    choices: list[Choice] = Field(min_length=1)
    when: Condition | None = None
    help: str = ""

    @model_validator(mode="after")
    def _check(self) -> Self:
        for index, choice in enumerate(self.choices):
            if any(_same(choice, earlier) for earlier in self.choices[:index]):
                raise ValueError(f"choice {choice!r} is listed twice")
        return self

    def problem(self, value: Any) -> str | None:
        if not any(_same(value, choice) for choice in self.choices):
            return f"{value!r} is not one of {self.choices!r}"
        return None

    def suggest(self, trial: optuna.Trial, name: str) -> Choice:
        value: Choice = trial.suggest_categorical(name, self.choices)
        return value


Param = Annotated[IntParam | FloatParam | CategoricalParam, Field(discriminator="kind")]


class SearchSpace(_Frozen):
    """Named parameters; insertion order is the sampling order, so a condition refers to an earlier parameter."""

    params: dict[str, Param] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_conditions(self) -> Self:
        seen: dict[str, IntParam | FloatParam | CategoricalParam] = {}
        for name, param in self.params.items():
            if not name or "__" in name:
                raise ValueError(f"parameter name {name!r} must be non-empty without '__' (the Optuna prefix mark)")
            if param.when is not None:
                parent = seen.get(param.when.param)
                if parent is None:
                    raise ValueError(f"{name!r} depends on {param.when.param!r}, which is not an earlier parameter")
                wrong = [v for v in param.when.values if parent.problem(v) is not None]
                if wrong:
                    raise ValueError(f"{name!r} depends on {param.when.param!r} taking {wrong!r}, which it cannot")
            seen[name] = param
        return self

    def sample(self, trial: optuna.Trial, prefix: str) -> dict[str, Any]:
        """One configuration, unprefixed; Optuna sees each parameter as `prefix + name` (e.g. "lightgbm__n_estimators")
        so two algorithms' parameters of the same name stay apart in one study."""
        values: dict[str, Any] = {}
        for name, param in self.params.items():
            if param.when is None or param.when.holds(values):
                values[name] = param.suggest(trial, prefix + name)
        return values

    def problems(self, params: Mapping[str, Any]) -> list[str]:
        """Why `params` is not a configuration of this space, one line per problem; [] when it is one."""
        found = [f"{name}: not a parameter of this space" for name in params if name not in self.params]
        for name, param in self.params.items():
            active = param.when is None or param.when.holds(params)
            if not active:
                if name in params:
                    assert param.when is not None
                    found.append(f"{name}: only applies when {param.when.param} is one of {param.when.values!r}")
            elif name not in params:
                found.append(f"{name}: missing")
            elif (why := param.problem(params[name])) is not None:
                found.append(f"{name}: {why}")
        return found


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same type: True is not 1, and 1 is not 1.0 (each would reach the estimator differently)."""
    return type(a) is type(b) and a == b
