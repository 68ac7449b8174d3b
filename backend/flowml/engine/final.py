"""The job's last step: refit the winning configuration on all rows and write the model package.

In order: the best model's refit (always: a finished job must leave a model), the other ensemble members while
their measured fit times still fit before the deadline, the ONNX export with its parity check (serving needs it),
and permutation importance per original input column (what a user recognises, not one-hot columns) on a held-out
split, column by column until the deadline. Each optional step that is skipped or cut short says so in the card.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from flowml.core.model_card import ModelCard, OnnxEntry, OnnxParity
from flowml.engine.deadline import Deadline
from flowml.engine.ensemble import EnsembleModel
from flowml.engine.export_cost import export_seconds, tree_nodes
from flowml.engine.features import load_frame
from flowml.engine.metrics import MetricSpec, get_metric, score, signed_score
from flowml.engine.model import FlowMLModel
from flowml.engine.onnx import export_onnx
from flowml.engine.package import build_model_card, onnx_sha256, save_package
from flowml.engine.preprocessor import step_labels
from flowml.engine.problem import encode_target, validate_target
from flowml.engine.registry import Algorithm, Registry
from flowml.engine.trial import builtin_registry, one_line_error
from flowml.engine.types import FeaturePlan, FinalResult, FinalSpec, ProblemType

HOLDOUT_FRACTION = 0.2
MAX_IMPORTANCE_ROWS = 2000
IMPORTANCE_REPEATS = 3
# Importance costs about one 80% fit plus (features x repeats) predictions; start it only with this much slack.
IMPORTANCE_SAFETY = 2.0
# A member's refit on all rows takes about its fold fit time times k/(k-1); start one only with this much slack.
MEMBER_SAFETY = 2.0
# ONNX export and its parity check take a second or two for a small model (more for large forests, see
# engine/export_cost.py); below this much time left they are skipped.
ONNX_MIN_SECONDS = 3.0
ONNX_PARITY_ROWS = 500
# The export cannot be interrupted, so it starts only with this margin over its estimate.
EXPORT_SAFETY = 1.3
# Writing the package: a fixed part plus the pickle and the graph, both about proportional to the trees' size.
WRITE_FIXED_SECONDS = 0.3
WRITE_SECONDS_PER_NODE = 3e-6
# Where the best model's package is kept while the optional steps run (see write_checkpoint).
CHECKPOINT_DIR = ".checkpoint"


class _ScoredModel:
    """Scores a fitted FlowMLModel on raw rows with the job's metric, oriented so that greater is better."""

    def __init__(self, model: FlowMLModel, metric: MetricSpec) -> None:
        self.model = model
        self.metric = metric

    def __call__(self, estimator: Any, X: pd.DataFrame, y: np.ndarray) -> float:
        prepared, _ = self.model.prepare(X)
        y_pred = np.asarray(self.model.pipeline.predict(prepared))  # encoded labels 0..k-1, as metrics expect
        y_proba = self.model.predict_proba_prepared(prepared)
        return signed_score(self.metric, score(self.metric, y, y_pred, y_proba))


def fit_final(spec: FinalSpec, registry: Registry | None = None) -> FinalResult:
    """Refit on all rows, measure importance if time allows, write the package.

    Errors propagate (bad spec, an estimator that cannot fit all rows): the driver marks the job failed with them.
    """
    task = ProblemType(spec.problem_type)
    if task is ProblemType.CLUSTERING:
        # Imported here: the clustering final shares this module's ONNX step, so importing it at the top would be
        # circular.
        from flowml.engine.clustering.final import fit_cluster_final

        return fit_cluster_final(spec, registry or builtin_registry())
    deadline = Deadline(spec.deadline, spec.cancel_path)
    plan = spec.feature_plan
    metric = get_metric(spec.metric, task)
    algorithm = (registry or builtin_registry()).get(spec.algorithm)
    df = load_frame(spec.dataset_path)
    check = validate_target(df[plan.target], task, n_folds=2)  # no folds here; only the row checks matter
    df = df[check.keep].reset_index(drop=True)

    started = time.perf_counter()
    best = FlowMLModel.train(df, plan, task, algorithm, spec.params, seed=spec.seed, n_jobs=spec.n_jobs)
    fit_time = time.perf_counter() - started

    deadline.check_cancelled()
    notes = [*check.notes, *spec.notes]
    steps = step_labels(spec.params)  # an ensemble's members run the same steps: the job names them for every trial
    if steps:
        notes.append(f"preprocessing between the encoding and the estimator: {', then '.join(steps)}")
    write_checkpoint(best, spec, df, metric, notes)
    model, kept = _ensemble(spec, df, plan, task, best, registry, deadline, notes)
    # The optional steps below stop early enough to leave time for writing the package: a large forest's pickle
    # and graph take a second or more, and the job as a whole must end by the deadline.
    deadline = Deadline(spec.deadline - write_seconds(model), spec.cancel_path)
    # ONNX before importance: serving needs the graph, importance is informational.
    onnx_bytes, onnx_entry = export_onnx_entry(model, df, spec, deadline)
    importance: dict[str, float] = {}
    try:
        if deadline.remaining() > IMPORTANCE_SAFETY * fit_time:
            importance = feature_importance(df, plan, task, algorithm, spec, metric, deadline, notes)
            if isinstance(model, EnsembleModel):
                notes.append(f"feature importance measured on the ensemble's strongest member ({algorithm.label})")
        elif not deadline.expired():
            # No time for a held-out refit: measure on training rows with the final model itself (predictions
            # only). It shows what the model relies on, though an overfit model's reliance looks larger.
            importance = feature_importance(df, plan, task, algorithm, spec, metric, deadline, notes, fitted=model)
            notes.append("feature importance measured on training rows: no time was left for a held-out refit")
        else:
            notes.append("feature importance skipped: not enough time left before the deadline")
    except Exception as exc:  # importance is informational; the refit model is what the job must deliver
        notes.append(f"feature importance skipped: {one_line_error(exc)}")

    card = build_model_card(
        model,
        metric=metric.name,
        cv_score=spec.ensemble_score if kept and spec.ensemble_score is not None else spec.cv_score,
        algorithm="ensemble" if kept else spec.algorithm,
        params={"members": kept} if kept else spec.params,
        training_data_sha256=spec.dataset_sha256,
        n_rows=len(df),
        feature_importance=importance,
        dtypes={str(c): str(t) for c, t in df.dtypes.items()},
        notes=notes,
        frame=df,
    )
    facts: dict[str, Any] = {"model_id": spec.model_id, "onnx": onnx_entry}
    if kept and spec.ensemble_metrics:
        # What the trials' other_metrics are for a trial (accuracy, F1, ...), for the comparison view.
        facts["ensemble_metrics"] = dict(spec.ensemble_metrics)
    if onnx_bytes is not None:
        facts["onnx_sha256"] = onnx_sha256(onnx_bytes)
    card = card.updated(facts)
    leaderboard = [row.model_dump(mode="json", exclude_unset=True) for row in spec.leaderboard]  # as given
    model_path, sha256 = save_package(
        model, card, Path(spec.output_dir), leaderboard=leaderboard, onnx_bytes=onnx_bytes
    )
    card = card.updated({"model_sha256": sha256})
    shutil.rmtree(checkpoint_dir(spec), ignore_errors=True)
    return FinalResult(
        output_dir=str(spec.output_dir),
        model_path=str(model_path),
        model_sha256=sha256,
        card=card,
        feature_importance=importance,
        fit_time=fit_time,
    )


def checkpoint_dir(spec: FinalSpec) -> Path:
    return Path(spec.output_dir) / CHECKPOINT_DIR


def spec_card(
    model: FlowMLModel,
    spec: FinalSpec,
    df: pd.DataFrame,
    metric: MetricSpec,
    *,
    importance: dict[str, float],
    notes: list[str],
) -> ModelCard:
    """The card of the configuration `spec` names, fitted on `df`: the checkpoint's here and the clustering final's
    (the supervised final's own card may be an ensemble's instead)."""
    return build_model_card(
        model,
        metric=metric.name,
        cv_score=spec.cv_score,
        algorithm=spec.algorithm,
        params=spec.params,
        training_data_sha256=spec.dataset_sha256,
        n_rows=len(df),
        feature_importance=importance,
        dtypes={str(c): str(t) for c, t in df.dtypes.items()},
        notes=notes,
        frame=df,
    )


def write_checkpoint(
    best: FlowMLModel, spec: FinalSpec, df: pd.DataFrame, metric: MetricSpec, notes: list[str]
) -> None:
    """The best model's package as soon as it is refit, before the optional steps: if they run past the hard limit
    and the process is stopped, this is what the job delivers (engine/executor.py) instead of nothing."""
    card = spec_card(best, spec, df, metric, importance={}, notes=list(notes)).updated({"model_id": spec.model_id})
    leaderboard = [row.model_dump(mode="json", exclude_unset=True) for row in spec.leaderboard]
    save_package(best, card, checkpoint_dir(spec), leaderboard=leaderboard)


def _ensemble(
    spec: FinalSpec,
    df: pd.DataFrame,
    plan: FeaturePlan,
    task: ProblemType,
    best: FlowMLModel,
    registry: Registry | None,
    deadline: Deadline,
    notes: list[str],
) -> tuple[FlowMLModel, list[dict[str, Any]]]:
    """Refit the other ensemble members after the best one; members that no longer fit in time are left out.

    Returns the model and the members kept (empty when the result is the single best model)."""
    if len(spec.ensemble) < 2:
        return best, []
    members: list[FlowMLModel] = []
    kept: list[dict[str, Any]] = []
    for entry in spec.ensemble:
        if entry.algorithm == spec.algorithm and entry.params == spec.params:
            members.append(best)
        elif deadline.remaining() < MEMBER_SAFETY * entry.fit_time:
            # Notes are read by analysts on the model page: the algorithm's label, not its code name.
            left_out = (registry or builtin_registry()).get(entry.algorithm).label
            notes.append(f"ensemble member {left_out} left out: the time budget ran out")
            continue
        else:
            algorithm = (registry or builtin_registry()).get(entry.algorithm)
            members.append(
                FlowMLModel.train(df, plan, task, algorithm, entry.params, seed=spec.seed, n_jobs=spec.n_jobs)
            )
        kept.append({"algorithm": entry.algorithm, "params": entry.params, "weight": entry.weight})
        deadline.check_cancelled()
    if len(members) < 2:
        return best, []
    return EnsembleModel(members, [k["weight"] for k in kept]), kept


def export_onnx_entry(
    model: FlowMLModel, df: pd.DataFrame, spec: FinalSpec, deadline: Deadline
) -> tuple[bytes | None, OnnxEntry]:
    """The model as one ONNX graph, served instead of the pickle when its parity check passed, and the card's
    entry saying whether it is there and why not (the clustering final, engine/clustering/final.py, uses it too)."""
    needed = max(ONNX_MIN_SECONDS, EXPORT_SAFETY * export_seconds(model))
    if deadline.remaining() < needed:
        reason = f"skipped: the export would take about {needed:.0f} s and the time budget ran out"
        return None, OnnxEntry(supported=None, usable=False, reason=reason, parity=OnnxParity())
    sample = df.sample(n=min(len(df), ONNX_PARITY_ROWS), random_state=spec.seed)
    export = export_onnx(model, sample)  # never raises; a failure is a reason in the card
    return (export.onnx_bytes if export.usable else None), OnnxEntry.model_validate(export.card_entry())


def write_seconds(model: FlowMLModel) -> float:
    return WRITE_FIXED_SECONDS + WRITE_SECONDS_PER_NODE * tree_nodes(model)


def fit_final_dict(payload: dict[str, Any]) -> dict[str, Any]:
    """JSON in, JSON out: the form the process pool and Celery carry."""
    return fit_final(FinalSpec.from_dict(payload)).to_dict()


def feature_importance(
    df: pd.DataFrame,
    plan: FeaturePlan,
    task: ProblemType,
    algorithm: Algorithm,
    spec: FinalSpec,
    metric: MetricSpec,
    deadline: Deadline,
    notes: list[str],
    fitted: FlowMLModel | None = None,
) -> dict[str, float]:
    """Mean drop in the (greater-is-better) metric when one raw input column is shuffled, on a held-out 20%
    with a model refit on the other 80%; or, given a `fitted` model, on a sample of its training rows."""
    if fitted is not None:
        model, test = fitted, df.sample(n=min(len(df), MAX_IMPORTANCE_ROWS), random_state=spec.seed)
    else:
        stratify = df[plan.target] if task.is_classification else None
        train, test = train_test_split(df, test_size=HOLDOUT_FRACTION, random_state=spec.seed, stratify=stratify)
        if len(test) > MAX_IMPORTANCE_ROWS:
            test = test.sample(n=MAX_IMPORTANCE_ROWS, random_state=spec.seed)
        model = FlowMLModel.train(train, plan, task, algorithm, spec.params, seed=spec.seed, n_jobs=spec.n_jobs)
    y = _encoded(test[plan.target], model)
    scorer = _ScoredModel(model, metric)
    X = test[plan.features].reset_index(drop=True)
    baseline = scorer(model, X, y)
    rng = np.random.default_rng(spec.seed)
    importance: dict[str, float] = {}
    # Column by column rather than sklearn's permutation_importance, so a wide table stops at the deadline with
    # the columns measured so far instead of running past the budget.
    for name in plan.features:
        if deadline.expired():
            notes.append(
                f"feature importance stopped at the deadline after {len(importance)} of {len(plan.features)} columns"
            )
            break
        drops = []
        for _ in range(IMPORTANCE_REPEATS):
            shuffled = X.copy()
            shuffled[name] = rng.permutation(shuffled[name].to_numpy())
            drops.append(baseline - scorer(model, shuffled, y))
        importance[name] = float(np.mean(drops))
    return importance


def _encoded(y: pd.Series, model: FlowMLModel) -> np.ndarray:
    if model.classes is None:
        return y.to_numpy(dtype=np.float64)
    # The same label -> code mapping the model was trained with (classes are sorted, as np.unique returns them).
    codes, classes = encode_target(y, model.problem_type)
    lookup = np.searchsorted(np.asarray(model.classes), np.asarray(classes))
    return lookup[codes]
