"""The cluster report a person reads: profiles with names, a 2-D projection, silhouettes per cluster and the elbow.

The final fit builds it once for the delivered model (engine/clustering/final.py) and writes it to the package as
clusters.json; GET /api/models/{id}/clusters returns it. Profiles and the elbow are cheap and always there; the
projection and the silhouettes cost a fixed amount (a subsample) and are skipped, with a note, when the deadline
leaves no time for them. The schema is in report_models.py, re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from flowml.engine.clustering.elbow import elbow
from flowml.engine.clustering.model import NOISE
from flowml.engine.clustering.profile import build_profiles
from flowml.engine.clustering.projection import ProjectionMethod, project, umap_available
from flowml.engine.clustering.report_models import (
    CategoryTrait,
    ClusterProfile,
    ClusterReport,
    ElbowPoint,
    NumericTrait,
    Projection,
    ProjectionPoint,
    SilhouetteCluster,
    rounded,
)
from flowml.engine.clustering.silhouette import silhouettes
from flowml.engine.deadline import Deadline
from flowml.engine.metrics import MetricSpec
from flowml.engine.types import FeaturePlan, LeaderboardRow

__all__ = [
    "CategoryTrait",
    "ClusterProfile",
    "ClusterReport",
    "ElbowPoint",
    "NumericTrait",
    "Projection",
    "ProjectionPoint",
    "SilhouetteCluster",
    "build_report",
]

# Seconds the deadline must leave to start the projection or the silhouettes: each takes well under one on the
# capped subsample, so this is a margin for a slow machine, not an estimate.
OPTIONAL_SECONDS = 2.0
# UMAP is slower than PCA (seconds on the subsample, plus its compilation on first use): only with time to spare.
UMAP_SECONDS = 30.0
SKIPPED = "skipped: the time budget ran out"


def build_report(
    frame: pd.DataFrame,
    plan: FeaturePlan,
    encoded: Any,
    labels: np.ndarray,
    *,
    leaderboard: Sequence[LeaderboardRow],
    metric: MetricSpec,
    seed: int,
    deadline: Deadline | None = None,
) -> ClusterReport:
    """The report of one labelling. `frame`: prepare_X's output (raw feature columns); `encoded`: the pipeline's
    encoded matrix, before the model's own PCA (dense or sparse); `labels`: ClusterModel.labels_ (noise -1)."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(frame) != len(labels) or encoded.shape[0] != len(labels):
        raise ValueError(f"{len(labels)} labels for {len(frame)} rows and {encoded.shape[0]} encoded rows")
    profiles, notes = build_profiles(frame, plan, labels)
    noise = int(np.sum(labels == NOISE))
    if noise:
        notes.insert(0, f"{noise} rows ({noise / len(labels):.1%}) are noise: in no cluster, left out of the profiles")
    projection = Projection(method="pca", explained_variance=None, points=[], n_total=len(labels))
    if _time_for(deadline, OPTIONAL_SECONDS):
        projection = project(encoded, labels, seed=seed, method=_projection_method(deadline))
    else:
        notes.append(f"projection {SKIPPED}")
    silhouette = []
    if not _time_for(deadline, OPTIONAL_SECONDS):
        notes.append(f"silhouette plot {SKIPPED}")
    else:
        silhouette = silhouettes(encoded, labels, seed=seed)
        if not silhouette:
            notes.append("no silhouette plot: it needs at least two clusters")
    return ClusterReport(
        n_clusters=len(profiles),
        noise_fraction=rounded(noise / len(labels)) if len(labels) else 0.0,
        metric=metric.name,
        profiles=profiles,
        projection=projection,
        silhouette=silhouette,
        elbow=elbow(leaderboard, metric),
        notes=notes,
    )


def _time_for(deadline: Deadline | None, seconds: float) -> bool:
    return deadline is None or (not deadline.cancelled() and deadline.remaining() >= seconds)


def _projection_method(deadline: Deadline | None) -> ProjectionMethod:
    return "umap" if umap_available() and _time_for(deadline, UMAP_SECONDS) else "pca"
