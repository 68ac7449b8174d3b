"""A delivered ensemble is scored like a trial (the metric per validation fold, averaged), and delivered only when,
so scored, it beats the best trial: the leaderboard can then rank it among the trials without contradiction."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from flowml.engine.ensemble import EnsemblePlan
from flowml.engine.features import plan_features
from flowml.engine.final_choice import final_choice, fold_mean_score, fold_mean_scores
from flowml.engine.metrics import get_metric
from flowml.engine.problem import encode_target
from flowml.engine.search import SearchConfig, SearchOutcome
from flowml.engine.trial import make_folds
from flowml.engine.types import ProblemType, TrialResult
from tests.engine.test_pipeline import SYNTHETIC_KINDS, synthetic_frame, write_parquet

ROWS = 300
FOLDS = 3


@pytest.fixture
def setup(tmp_path: Path) -> tuple[SearchConfig, np.ndarray, list[TrialResult]]:
    """A binary job whose three trials' out-of-fold probabilities are noisy views of the truth, in the trials'
    own folds (every row predicted once)."""
    frame = synthetic_frame(ProblemType.BINARY, ROWS)
    y, _ = encode_target(frame["target"], ProblemType.BINARY)
    oof_dir = tmp_path / "oof"
    oof_dir.mkdir()
    rng = np.random.default_rng(1)
    results = []
    for number in range(3):
        p = np.clip(0.5 * y + 0.25 + rng.normal(scale=0.35, size=ROWS), 0.01, 0.99)
        np.save(oof_dir / f"{number}.npy", np.column_stack([1 - p, p]), allow_pickle=False)
        results.append(
            TrialResult(
                job_id="job-1",
                trial_number=number,
                algorithm=f"algorithm_{number}",
                params={"n": number},
                status="completed",
                metric="roc_auc",
                score=None,
                oof_path=str(oof_dir / f"{number}.npy"),
                fit_time=0.01,
            )
        )
    config = SearchConfig(
        job_id="job-1",
        dataset_path=str(write_parquet(frame, tmp_path / "data.parquet")),
        problem_type=ProblemType.BINARY,
        feature_plan=plan_features(frame, "target", SYNTHETIC_KINDS),
        metric="roc_auc",
        algorithms=[],
        n_folds=FOLDS,
        seed=0,
        started_at=time.time(),
        deadline=time.time() + 600,
        n_rows=ROWS,
        oof_dir=str(oof_dir),
    )
    return config, y, results


def _per_fold(y: np.ndarray, proba: np.ndarray) -> float:
    folds = make_folds(y, ProblemType.BINARY, FOLDS, 0, "cv")
    return float(np.mean([roc_auc_score(y[test], proba[test, 1]) for _, test in folds]))


def _load(result: TrialResult) -> np.ndarray:
    assert result.oof_path is not None
    return np.asarray(np.load(result.oof_path))


def test_the_blend_is_scored_per_fold_like_a_trial(setup: tuple[SearchConfig, np.ndarray, list[TrialResult]]) -> None:
    config, y, results = setup
    plan = EnsemblePlan(members=results[:2], weights=[0.75, 0.25], score=0.0, best_single_score=0.0, rows_scored=ROWS)
    expected = _per_fold(y, 0.75 * _load(results[0]) + 0.25 * _load(results[1]))
    metric = get_metric("roc_auc", ProblemType.BINARY)
    assert fold_mean_score(config, plan, (y, FOLDS), metric) == pytest.approx(expected)
    # Its other metrics the way a trial's other_metrics are measured: per fold, then the mean (accuracy here).
    measured = fold_mean_scores(config, plan, (y, FOLDS), metric)
    assert measured is not None and measured[0] == pytest.approx(expected)
    blend_proba = 0.75 * _load(results[0]) + 0.25 * _load(results[1])
    folds = make_folds(y, ProblemType.BINARY, FOLDS, 0, "cv")
    accuracy = np.mean([np.mean(blend_proba[test].argmax(axis=1) == y[test]) for _, test in folds])
    assert measured[1]["accuracy"] == pytest.approx(accuracy)
    assert measured[1]["roc_auc"] == pytest.approx(expected) and "f1" in measured[1]
    # The pooled AUC that selection uses is another number: the reason the ensemble needs its own scoring.
    pooled = roc_auc_score(y, (0.75 * _load(results[0]) + 0.25 * _load(results[1]))[:, 1])
    assert pooled != pytest.approx(expected, abs=1e-9)


def test_an_ensemble_is_delivered_only_when_it_beats_the_best_trial_per_fold(
    setup: tuple[SearchConfig, np.ndarray, list[TrialResult]],
) -> None:
    config, y, results = setup
    for result in results:
        result.score = _per_fold(y, _load(result))
    best = max(results, key=lambda r: r.score or 0.0)
    choice = final_choice(config, SearchOutcome(best=best, results=results))
    assert choice.ensemble, "three independent noisy views should blend into a better model"
    weights = {m["trial_number"]: m["weight"] for m in choice.ensemble}
    blended = sum(w * _load(results[n]) for n, w in weights.items())
    assert choice.ensemble_score == pytest.approx(_per_fold(y, np.asarray(blended)))
    assert choice.ensemble_score is not None and best.score is not None and choice.ensemble_score > best.score
    # The blend's other metrics travel with the choice into the final spec (and so the model card).
    assert choice.spec_fields()["ensemble_metrics"]["roc_auc"] == pytest.approx(choice.ensemble_score)

    # A best trial that (per fold) already scores above any blend keeps the job a single model, and says why.
    best.score = 0.999
    single = final_choice(config, SearchOutcome(best=best, results=results))
    assert single.ensemble == [] and single.ensemble_score is None
    assert single.note is not None and "scored per fold like the trials" in single.note
