"""The cluster report's schema: what a clustering package holds as clusters.json and GET /api/models/{id}/clusters
returns (engine/clustering/report.py builds it).

JSON-safe by construction: `allow_inf_nan=False` refuses NaN and infinity at validation, every list is bounded by
its producer, and floats are rounded where they are made (`rounded`). Tolerant of keys it does not know, so a
package written by a later version still loads.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def rounded(value: float, digits: int = 4) -> float:
    """`value` as a plain float with `digits` significant digits (a report shows shapes, not the 17th digit)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"a report value must be finite, got {number}")
    if number == 0.0:
        return 0.0
    return round(number, digits - 1 - math.floor(math.log10(abs(number))))


class ReportPart(BaseModel):
    """Base of every part: unknown keys ignored (newer writers), NaN and infinity refused (JSON has neither)."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class NumericTrait(ReportPart):
    """A numeric (or date, in decimal years) column's mean in the cluster against all rows."""

    column: str
    cluster_mean: float
    overall_mean: float
    smd: float = Field(description="Standardised mean difference: (cluster mean - overall mean) / overall std")


class CategoryTrait(ReportPart):
    """A categorical value more common in the cluster than in all rows."""

    column: str
    value: str
    cluster_share: float
    overall_share: float
    lift: float = Field(description="cluster_share / overall_share")


class ClusterProfile(ReportPart):
    id: int
    name: str
    size: int
    share: float = Field(description="Of all training rows, noise included")
    numeric: list[NumericTrait] = Field(default_factory=list, description="By |smd|, largest first")
    categorical: list[CategoryTrait] = Field(default_factory=list, description="Most over-represented first")
    summary: list[str] = Field(default_factory=list, description="The phrases the name is made of")


class ProjectionPoint(ReportPart):
    x: float
    y: float
    cluster: int = Field(description="-1 = noise")


class Projection(ReportPart):
    method: Literal["pca", "umap"]
    explained_variance: list[float] | None = Field(default=None, description="Per axis (PCA only)")
    points: list[ProjectionPoint] = Field(default_factory=list, description="A fixed-seed subsample")
    n_total: int = Field(description="Rows the points were drawn from")


class SilhouetteCluster(ReportPart):
    id: int
    mean: float
    values: list[float] = Field(default_factory=list, description="Largest first, evenly spaced ranks")


class ElbowPoint(ReportPart):
    n_clusters: int
    score: float
    algorithm: str
    trial_number: int


class ClusterReport(ReportPart):
    n_clusters: int
    noise_fraction: float
    metric: str
    profiles: list[ClusterProfile]
    projection: Projection
    silhouette: list[SilhouetteCluster] = Field(default_factory=list)
    elbow: list[ElbowPoint] = Field(default_factory=list, description="Per number of clusters, the best trial")
    notes: list[str] = Field(default_factory=list)
