"""The model card's schema: what a model package says about itself (ARCHITECTURE.md section 8).

The engine writes it (engine/package.py `build_model_card`), the job adds what only it knows (evaluation, delivered
members, validation, default name), the API returns it and every reader validates it. It lives in core because the
database's response models (db/tables/models.py), which import only core, carry it too.

Tolerant by design: a package written by an earlier version must still load, so every part allows keys it does not
know and every field added after the first cards is optional. `to_dict()` writes back exactly the keys that were
set, so reading and rewriting a card (a threshold change, say) keeps its content as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer


def plain_scalar(value: Any) -> Any:
    """A NumPy scalar as the Python value it stands for (np.int64(1) -> 1, np.bool_ -> True): without this a
    union of JSON scalars would read an int64 class label as the float 1.0, and `proba_1` would become `proba_1.0`."""
    if not isinstance(value, str | bytes | int | float | bool) and hasattr(value, "item"):
        return value.item()
    return value


# A JSON scalar, NumPy scalars read as their Python value.
JsonScalar = Annotated[str | int | float | bool, BeforeValidator(plain_scalar)]
# A value the card records for an input (a category's typed spelling, a range end, a typical value).
CardValue = JsonScalar
CardProblemType = Literal["binary", "multiclass", "regression", "clustering"]
CardColumnKind = Literal["numeric", "categorical", "boolean", "datetime", "text"]
# A hyperparameter's value, or an ensemble's `members` list.
CardParam = JsonScalar | None | list[Any]


class CardPart(BaseModel):
    """Base of the card and its parts: unknown keys are kept (newer or older writers), NaN survives the JSON form."""

    model_config = ConfigDict(extra="allow", ser_json_inf_nan="constants")

    # Unannotated on purpose: pydantic takes a serializer's return annotation as the schema of what it returns, and
    # the API's schema (and the dashboard's generated types) must show the card's fields, not a bare object.
    @model_serializer(mode="wrap")
    def _keys_that_were_set(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        """Every dump (the file, the SQL column, an API answer) holds the keys that were set and no others: a card
        read and written back is unchanged, and an absent part stays absent rather than becoming null."""
        data = handler(self)
        kept = self.model_fields_set | set(self.model_extra or {})
        return {key: value for key, value in data.items() if key in kept}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (see `_keys_that_were_set`)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        return cls.model_validate(data)


class InputColumn(CardPart):
    """One input as a form or client needs it: what to offer and what to send (engine/package.py)."""

    name: str
    kind: CardColumnKind
    dtype: str = Field(description="The training frame's dtype, for reference; requests are validated by kind")
    required: bool = True
    categories: list[str] | None = Field(
        default=None, description="Seen values as the model compares them (text), most frequent first"
    )
    values: list[CardValue] | None = Field(
        default=None, description="The same values in the same order with their training types: what to send"
    )
    min: float | int | str | None = Field(default=None, description="Numbers: the training minimum; dates: ISO")
    max: float | int | str | None = Field(default=None, description="Numbers: the training maximum; dates: ISO")
    typical: CardValue | None = Field(default=None, description="A value to start a form with")


class DroppedColumn(CardPart):
    name: str
    reason: str


class OnnxParity(CardPart):
    """How the ONNX graph's outputs compared with the native pipeline's on sample rows."""

    metric: str | None = None
    rows: int | None = None
    max_abs_diff: float | None = None
    tolerance: float | None = None
    label_agreement: float | None = None
    passed: bool | None = None
    export_seconds: float | None = None


class OnnxEntry(CardPart):
    """Whether the package has an ONNX graph that serving may use, and if not, why."""

    supported: bool | None = None
    usable: bool = False
    reason: str | None = None
    parity: OnnxParity = Field(default_factory=OnnxParity)


class EvaluationEntry(CardPart):
    """Whether evaluation.json exists: its source sentence and rows, or why it could not be computed."""

    available: bool
    source: str | None = None
    n_rows: int | None = None
    reason: str | None = None


class ValidationEntry(CardPart):
    """The validation behind cv_score: the job's method and fold count (1 for a holdout)."""

    method: Literal["cv", "holdout"] | None = None
    folds: int | None = None


class DeliveredMember(CardPart):
    trial_number: int
    algorithm: str
    weight: float


class DeliveredEntry(CardPart):
    """Which leaderboard trials the model is made of: one trial, or an ensemble's members."""

    kind: Literal["trial", "ensemble"]
    members: list[DeliveredMember] = Field(default_factory=list)


class ThresholdEntry(CardPart):
    """A binary model's decision threshold, set by an analyst after training (services/model_threshold.py)."""

    value: float = Field(gt=0, lt=1)
    chosen_by: str
    costs: dict[str, float] | None = None
    set_at: str | None = None
    set_by: str | None = None


class ClusterEntry(CardPart):
    """One cluster of a clustering model: its id (what `predict` returns), the name made from what sets it apart,
    and its share of the training rows."""

    id: int
    name: str
    size: int
    share: float


class ClusteringEntry(CardPart):
    """What a clustering model found and how it assigns new rows (engine/clustering)."""

    n_clusters: int
    clusters: list[ClusterEntry] = Field(default_factory=list)
    assigner: Literal["native", "nearest_centroid", "knn"] = Field(
        description="How new rows get a cluster: the algorithm's own predict, the nearest cluster centre, or the "
        "clusters of their nearest training rows"
    )
    probabilistic: bool = Field(default=False, description="predict_proba gives membership probabilities")
    noise_fraction: float = Field(default=0.0, description="Training rows the algorithm left unassigned (noise)")
    scores: dict[str, float] = Field(default_factory=dict, description="Validity scores of the final fit")
    stability: float | None = Field(
        default=None, description="Mean adjusted Rand index between refits on bootstrap resamples (1 = stable)"
    )
    stability_resamples: int | None = None
    reduction: str | None = Field(default=None, description="A projection before clustering, e.g. 'PCA, 5 components'")
    reference_column: str | None = None
    reference_agreement: dict[str, float] | None = Field(
        default=None, description="Adjusted Rand and mutual information against the reference column"
    )


class ModelCard(CardPart):
    """What the model needs as input, what it predicts, how well, from what data, with which libraries."""

    format_version: int = 1
    model_id: str | None = None
    created_at: str | None = None
    problem_type: CardProblemType
    target: str | None = Field(description="null for clustering: no target")
    classes: list[CardValue] | None = None
    metric: str
    cv_score: float | None = None
    algorithm: str
    params: dict[str, CardParam] = Field(default_factory=dict)
    input_schema: list[InputColumn]
    dropped_columns: list[DroppedColumn] = Field(default_factory=list)
    training_data_sha256: str | None = None
    n_rows: int | None = None
    feature_importance: dict[str, float] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    library_versions: dict[str, str] = Field(default_factory=dict)
    model_sha256: str | None = None
    # Added by the final fit and the job (absent from older cards).
    ensemble_metrics: dict[str, float] | None = None
    onnx: OnnxEntry | None = None
    onnx_sha256: str | None = None
    evaluation: EvaluationEntry | None = None
    validation: ValidationEntry | None = None
    delivered: DeliveredEntry | None = None
    default_name: str | None = None
    trial_number: int | None = Field(default=None, description="Set when the model refits one leaderboard trial")
    decision_threshold: ThresholdEntry | None = None
    clustering: ClusteringEntry | None = None

    def updated(self, facts: Mapping[str, Any]) -> Self:
        """A copy with `facts` set (parts as models or as their JSON form), validated like a card read from disk:
        how the final fit, the job and the threshold editor add what they know."""
        plain = {key: value.to_dict() if isinstance(value, CardPart) else value for key, value in facts.items()}
        return self.model_validate({**self.to_dict(), **plain})

    def without(self, key: str) -> Self:
        """A copy without the part `key` (a cleared threshold is absent, as on a card that never had one)."""
        return self.model_validate({k: v for k, v in self.to_dict().items() if k != key})

    @property
    def ensemble_members(self) -> list[dict[str, Any]]:
        """An ensemble's members as `params.members` records them ({algorithm, params, weight}); [] otherwise."""
        members = self.params.get("members") if self.algorithm == "ensemble" else None
        return [m for m in members if isinstance(m, dict)] if isinstance(members, list) else []
