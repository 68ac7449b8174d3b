"""Search spaces as data: validated when built, sampled within range by Optuna (conditions honoured), checked by
`problems()`, and unchanged by a JSON round trip."""

from __future__ import annotations

from typing import Any

import optuna
import pytest
from pydantic import ValidationError

from flowml.engine.space import CategoricalParam, Condition, FloatParam, IntParam, SearchSpace

SPACE = SearchSpace(
    params={
        "n_estimators": IntParam(low=10, high=1000, log=True, help="number of trees"),
        "max_depth": IntParam(low=2, high=12, step=2),
        "learning_rate": FloatParam(low=1e-3, high=0.3, log=True),
        "subsample": FloatParam(low=0.5, high=1.0),
        "booster": CategoricalParam(choices=["tree", "linear", None]),
        # only for trees, and only while a tree booster is chosen
        "colsample": FloatParam(low=0.3, high=1.0, when=Condition(param="booster", values=["tree"])),
        "grow_policy": CategoricalParam(
            choices=["depthwise", "lossguide"], when=Condition(param="colsample", values=[1.0])
        ),
        "linear_alpha": FloatParam(low=0.0, high=1.0, when=Condition(param="booster", values=["linear", None])),
    }
)
GOOD: dict[str, Any] = {
    "n_estimators": 100,
    "max_depth": 6,
    "learning_rate": 0.1,
    "subsample": 0.8,
    "booster": "tree",
    "colsample": 0.7,
}


def samples(space: SearchSpace, n: int, seed: int = 0) -> list[dict[str, Any]]:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    drawn = []
    for _ in range(n):
        trial = study.ask()
        drawn.append(space.sample(trial, "algo__"))
        study.tell(trial, 0.0)
    return drawn


def test_samples_stay_in_range_and_honour_conditions() -> None:
    drawn = samples(SPACE, 200)
    for params in drawn:
        assert SPACE.problems(params) == [], params
        assert 10 <= params["n_estimators"] <= 1000 and params["max_depth"] % 2 == 0
        assert ("colsample" in params) is (params["booster"] == "tree")
        assert ("linear_alpha" in params) is (params["booster"] in ("linear", None))
        assert "grow_policy" not in params  # its condition (colsample exactly 1.0) never holds for a float draw
    assert {params["booster"] for params in drawn} == {"tree", "linear", None}


def test_optuna_sees_the_prefixed_names_and_types() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1))
    trial = study.ask()
    params = SPACE.sample(trial, "xgboost__")
    assert trial.params == {f"xgboost__{name}": value for name, value in params.items()}
    n_estimators, max_depth = trial.distributions["xgboost__n_estimators"], trial.distributions["xgboost__max_depth"]
    assert isinstance(n_estimators, optuna.distributions.IntDistribution) and n_estimators.log
    assert isinstance(max_depth, optuna.distributions.IntDistribution) and max_depth.step == 2


def test_enqueued_values_come_back_exactly() -> None:
    study = optuna.create_study()
    study.enqueue_trial({f"a__{name}": value for name, value in GOOD.items()})
    assert SPACE.sample(study.ask(), "a__") == GOOD


def test_a_condition_on_a_conditional_parameter_follows_the_chain() -> None:
    study = optuna.create_study()
    chosen = {**GOOD, "colsample": 1.0, "grow_policy": "lossguide"}
    study.enqueue_trial({f"a__{name}": value for name, value in chosen.items()})
    assert SPACE.sample(study.ask(), "a__") == chosen
    assert SPACE.problems(chosen) == []


def test_json_round_trip_keeps_every_detail() -> None:
    text = SPACE.model_dump_json()
    again = SearchSpace.model_validate_json(text)
    assert again == SPACE
    assert list(again.params) == list(SPACE.params)  # the sampling order survives
    assert again.params["booster"].kind == "categorical"
    assert isinstance(again.params["max_depth"], IntParam) and again.params["max_depth"].step == 2
    assert again.params["n_estimators"].help == "number of trees"


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({**GOOD, "n_estimators": 5}, "n_estimators: 5 is outside [10, 1000]"),
        ({**GOOD, "max_depth": 5}, "max_depth: 5 is not on the grid"),
        ({**GOOD, "n_estimators": 100.0}, "n_estimators: expected an integer"),
        ({**GOOD, "n_estimators": True}, "n_estimators: expected an integer"),
        ({**GOOD, "subsample": "high"}, "subsample: expected a number"),
        ({**GOOD, "subsample": float("nan")}, "subsample: nan is outside"),
        ({**{k: v for k, v in GOOD.items() if k != "colsample"}, "booster": "dart"}, "booster: 'dart' is not one of"),
        ({k: v for k, v in GOOD.items() if k != "learning_rate"}, "learning_rate: missing"),
        ({k: v for k, v in GOOD.items() if k != "colsample"}, "colsample: missing"),
        ({**GOOD, "linear_alpha": 0.5}, "linear_alpha: only applies when booster is one of"),
        ({**GOOD, "typo": 1}, "typo: not a parameter of this space"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_problems_say_what_is_wrong(params: dict[str, Any], problem: str) -> None:
    found = SPACE.problems(params)
    assert len(found) == 1 and found[0].startswith(problem), found


def test_problems_accept_a_good_configuration_and_an_int_for_a_float() -> None:
    assert SPACE.problems(GOOD) == []
    assert SPACE.problems({**GOOD, "subsample": 1}) == []


def test_a_categorical_choice_is_matched_by_type_too() -> None:
    space = SearchSpace(params={"p": CategoricalParam(choices=[1, 2]), "flag": CategoricalParam(choices=[True])})
    assert space.problems({"p": 1, "flag": True}) == []
    assert space.problems({"p": True, "flag": 1}) == ["p: True is not one of [1, 2]", "flag: 1 is not one of [True]"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: IntParam(low=5, high=1),
        lambda: IntParam(low=0, high=10, log=True),
        lambda: IntParam(low=1, high=10, step=0),
        lambda: IntParam(low=1, high=10, log=True, step=2),
        lambda: FloatParam(low=1.0, high=0.5),
        lambda: FloatParam(low=0.0, high=1.0, log=True),
        lambda: FloatParam(low=0.0, high=float("inf")),
        lambda: CategoricalParam(choices=[]),
        lambda: CategoricalParam(choices=["a", "a"]),
        lambda: IntParam(low=1, high=2, unknown=3),
        lambda: SearchSpace(params={"b": IntParam(low=1, high=2, when=Condition(param="a", values=[1]))}),
        lambda: SearchSpace(
            params={
                "b": IntParam(low=1, high=2, when=Condition(param="a", values=["x"])),
                "a": CategoricalParam(choices=["x"]),
            }
        ),
        lambda: SearchSpace(
            params={
                "a": CategoricalParam(choices=["x"]),
                "b": IntParam(low=1, high=2, when=Condition(param="a", values=["y"])),
            }
        ),
        lambda: SearchSpace(params={"a__b": IntParam(low=1, high=2)}),
        lambda: Condition(param="a", values=[]),
    ],
    ids=[
        "int-low-above-high",
        "int-log-from-zero",
        "int-step-zero",
        "int-log-with-step",
        "float-low-above-high",
        "float-log-from-zero",
        "float-infinite",
        "no-choices",
        "duplicate-choice",
        "unknown-field",
        "condition-on-unknown",
        "condition-on-later",
        "condition-on-impossible-value",
        "prefix-mark-in-name",
        "condition-without-values",
    ],
)
def test_malformed_spaces_are_refused_when_built(build: Any) -> None:
    with pytest.raises(ValidationError):
        build()


def test_an_empty_space_samples_nothing() -> None:
    assert samples(SearchSpace(params={}), 1) == [{}]
    assert SearchSpace().problems({}) == []
