"""Trained model packages. The files live in the artifact store; the SHA-256 here is checked before every load."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import computed_field
from sqlmodel import Field, SQLModel

from flowml.core.model_card import ModelCard
from flowml.core.validation import CLUSTERING_VALIDATION, validation_label
from flowml.db.types import RESPONSE_CONFIG, json_column, new_id, time_column, utcnow


class TrainedModelBase(SQLModel):
    job_id: str = Field(max_length=32, index=True)
    dataset_id: str = Field(max_length=32)
    algorithm: str = Field(max_length=64)
    problem_type: str = Field(max_length=32)
    # None for a clustering model: it predicts a cluster, not a column.
    target: str | None = Field(default=None, max_length=255)
    metric: str = Field(max_length=64)
    cv_score: float | None = None
    sha256: str = Field(max_length=64)
    size_bytes: int = 0
    # What the analyst calls it; "" until named (the dashboard then shows a name made from algorithm and target).
    name: str = Field(default="", max_length=255)
    notes: str = Field(default="", max_length=5000)
    # The trial this model refits on its own (kept from the leaderboard); None for the job's final model.
    trial_number: int | None = None
    # The shared project it belongs to (projects.id); None: private to its owner.
    project_id: str | None = Field(default=None, max_length=32, index=True)


class TrainedModel(TrainedModelBase, table=True):
    __tablename__ = "trained_models"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    storage_prefix: str = Field(max_length=255)
    # The user it belongs to (users.id); None for rows from before accounts existed, which admins see.
    owner_id: str | None = Field(default=None, max_length=32, index=True)
    classes: list[Any] | None = Field(default=None, sa_column=json_column(nullable=True))
    tags: list[str] = Field(default_factory=list, sa_column=json_column())
    feature_importance: dict[str, float] = Field(default_factory=dict, sa_column=json_column())
    card: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=time_column(nullable=False, index=True))


_DISPLAY_NAME = (
    "`name` when the analyst named it, else the default the card recorded at training time from the algorithm's "
    "label and the target, e.g. 'Ensemble of 3 · Attrition' (a clustering model: 'K-means · 4 clusters')"
)
_VALIDATION_LABEL = "The validation behind cv_score, in the same words as the job's validation_label"


class TrainedModelPublic(TrainedModelBase):
    model_config = RESPONSE_CONFIG

    id: str
    classes: list[Any] | None
    tags: list[str] = []
    owner_id: str | None = None
    feature_importance: dict[str, float]
    card: ModelCard
    created_at: datetime

    @computed_field(description=_DISPLAY_NAME)  # type: ignore[prop-decorator]
    @property
    def display_name(self) -> str:
        return self.name or self.card.default_name or f"{self.algorithm} · {self.target or 'clusters'}"

    @computed_field(description=_VALIDATION_LABEL)  # type: ignore[prop-decorator]
    @property
    def validation_label(self) -> str:
        if self.problem_type == "clustering":
            return CLUSTERING_VALIDATION
        entry = self.card.validation
        return validation_label(entry.method, entry.folds) if entry is not None else validation_label(None, None)


class TrainedModelsPublic(SQLModel):
    items: list[TrainedModelPublic]
    count: int
