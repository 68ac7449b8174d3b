"""The checks every preprocessor passes (engine/preprocessor.py): its facts, its search space, and a transformer
that fits and transforms the model's numeric input the same way every time, and survives pickling inside a model.

    from flowml.testing import check_preprocessor

    def test_my_step() -> None:
        check_preprocessor(MyPreprocessor)
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Callable
from types import MappingProxyType

import joblib
import numpy as np
import optuna
from sklearn.base import clone

from flowml.engine.plugins import PluginError, check_preprocessor_basics
from flowml.engine.preprocessor import Preprocessor, PreprocessorInfo
from flowml.engine.space import SearchSpace
from flowml.engine.types import ProblemType
from flowml.testing.data import make_data

SEED = 7
N_SAMPLED_CONFIGS = 3

PreprocessorCheck = Callable[[Preprocessor], None]


def check_preprocessor_facts(step: Preprocessor) -> None:
    """What FlowML checks at every start (engine/plugins.py), and `describe()` round-trips JSON for the API."""
    assert isinstance(step, Preprocessor), f"{step!r} is not a flowml.engine.preprocessor.Preprocessor"
    try:
        check_preprocessor_basics(step)
    except PluginError as exc:
        raise AssertionError(str(exc)) from exc
    info = step.describe()
    assert PreprocessorInfo.model_validate_json(info.model_dump_json()) == info, "describe() does not round-trip"


def check_preprocessor_space(step: Preprocessor) -> None:
    """The space is data; the defaults lie in it, are plain JSON and warm-start exactly as the search does."""
    space = step.space()
    assert SearchSpace.model_validate_json(space.model_dump_json()) == space, "the space does not round-trip JSON"
    defaults = step.default_params()
    assert json.loads(json.dumps(defaults)) == defaults, "defaults are not plain JSON (params travel as JSON)"
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    study.enqueue_trial({step.optuna_prefix + name: value for name, value in defaults.items()})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sampled = step.sample(study.ask())
    assert sampled == defaults, f"the enqueued defaults came back as {sampled}"


def check_preprocessor_samples_transform(step: Preprocessor) -> None:
    """Sampled configurations lie in the space and each builds a transformer that keeps the rows, gives finite
    floats, and transforms new rows with what it learned in `fit`."""
    x, y = make_data(ProblemType.BINARY, n_rows=120)
    space = step.space()
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=SEED))
    for _ in range(N_SAMPLED_CONFIGS):
        trial = study.ask()
        params = step.sample(trial)
        assert not space.problems(params), f"a sample lies outside the space: {space.problems(params)}"
        transformer = step.build(MappingProxyType(params), seed=SEED)
        out = np.asarray(transformer.fit(x[:80], y[:80]).transform(x[80:]), dtype=np.float64)
        assert out.ndim == 2 and out.shape[0] == 40, f"transform of 40 rows returned shape {out.shape} for {params}"
        assert np.isfinite(out).all(), f"transform returned non-finite values for {params}"
        study.tell(trial, 0.0)


def check_preprocessor_repeatable(step: Preprocessor) -> None:
    """The defaults build a transformer that clones, pickles (a model package holds it), and gives the same output
    for the same seed."""
    x, y = make_data(ProblemType.REGRESSION)
    transformer = step.build(step.default_params(), seed=SEED)
    assert type(clone(transformer)) is type(transformer), "clone() changed the transformer's type"
    out = np.asarray(transformer.fit(x, y).transform(x))
    buffer = io.BytesIO()
    joblib.dump(transformer, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(np.asarray(joblib.load(buffer).transform(x)), out)
    again = step.build(step.default_params(), seed=SEED).fit(x, y)
    np.testing.assert_array_equal(np.asarray(again.transform(x)), out)


PREPROCESSOR_CHECKS: tuple[PreprocessorCheck, ...] = (
    check_preprocessor_facts,
    check_preprocessor_space,
    check_preprocessor_samples_transform,
    check_preprocessor_repeatable,
)


def check_preprocessor(preprocessor: Preprocessor | type[Preprocessor]) -> None:
    """Run every check on `preprocessor` (an instance, or a class built without arguments). Raises AssertionError
    naming the failed check."""
    step = preprocessor() if isinstance(preprocessor, type) else preprocessor
    for check in PREPROCESSOR_CHECKS:
        try:
            check(step)
        except AssertionError as exc:
            raise AssertionError(f"{check.__name__}: {exc}") from exc
        except Exception as exc:  # the transformer's own failure is a contract failure too; say where
            raise AssertionError(f"{check.__name__}: {type(exc).__name__}: {exc}") from exc
