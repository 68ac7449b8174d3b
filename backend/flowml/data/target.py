"""Which column the user probably wants to predict, why, and how sure FlowML is.

The ranking works on column profiles (data/profile.py). What a column would train as is not decided here: the
caller passes each column's `AutoTarget`, the engine's own decision on the real values (engine/problem.py
`check_target` with "auto", computed by services/target_checks.py), so the suggestion names the problem type that
training then uses, and a column training would refuse is never suggested.

Ranking (the reasons a person is shown, with their weights in `_SIGNALS`): a name people give outcomes (exactly, or
as a word inside a longer name), exactly two values (most predicted outcomes are yes/no), and being the last usable
column (where tables usually keep the answer). Ids, free text, dates, constants and mostly-unique labels are never
candidates. Confidence says whether the dashboard may pre-select the first candidate: only when it is both clearly
outcome-like and clearly ahead of the runner-up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from flowml.data.names import is_id_like_name, name_tokens
from flowml.data.schema import ColumnKind

ProblemTypeName = Literal["binary", "multiclass", "regression"]
Confidence = Literal["high", "medium", "low"]

# Names people give targets, most telling first, matched exactly (case-insensitive). Earlier names win ties.
TARGET_NAMES = (
    "target",
    "label",
    "class",
    "outcome",
    "survived",
    "churn",
    "attrition",
    "species",
    "price",
    "income",
    "deposit",
    "default",
    "fraud",
    "risk",
    "diagnosis",
    "quality",
    "response",
    "status",
    "result",
    "y",
)
# "y" counts less: in many tables it is a coordinate (diamonds' y) rather than the answer.
WEAK_TARGET_NAMES = frozenset({"y"})
# Words that still mark a target inside a longer name ("SalePrice", "income >50K", "credit_risk",
# "delivery_minutes"). Not "class", "status" or "y": "pclass", "MaritalStatus" and "y_coord" are features.
TARGET_WORDS = (
    "target",
    "label",
    "outcome",
    "churn",
    "attrition",
    "survived",
    "price",
    "income",
    "risk",
    "fraud",
    "default",
    "diagnosis",
    "minutes",
    "duration",
)
MAX_CLASSES_FOR_TEXT_TARGET = 50
_NEVER_TARGETS = {
    ColumnKind.ID: "looks like a row identifier (a different value on every row)",
    ColumnKind.TEXT: "holds free text, which a model cannot learn to predict",
    ColumnKind.DATETIME: "holds dates, which a model cannot learn to predict",
}

# How much each reason counts towards a column being the outcome.
_EXACT_NAME = 3.0
_WEAK_NAME = 1.5
_NAME_WORD = 2.0
_TWO_VALUES = 1.0
_LAST_COLUMN = 1.5  # tables usually end with the answer; many features have two values
_NAME_ORDER_BONUS = 0.01  # per place in TARGET_NAMES: "label" before "price" when all else is equal
# The first candidate is pre-selected ("high") only with this score and this lead over the second.
HIGH_SCORE = 3.0
HIGH_MARGIN = 1.5
MEDIUM_SCORE = 2.0


@dataclass(frozen=True)
class AutoTarget:
    """What training with problem type "auto" does with a column: the type it trains as, or why it refuses."""

    problem_type: ProblemTypeName | None
    refusal: str | None = None


@dataclass(frozen=True)
class ColumnTarget:
    """What one column would be as the target: its problem type and why, or why it cannot be one."""

    name: str
    eligible: bool
    problem_type: ProblemTypeName | None
    # Why it looks like an outcome (ranking reasons) or, for an ineligible column, why it is never suggested.
    reasons: tuple[str, ...]
    # What its values make it: "two values, Yes and No", "3 classes: a, b, c", "480 different numbers".
    shape: str
    score: float = 0.0

    @property
    def reason(self) -> str:
        return "; ".join((self.shape, *self.reasons)) if self.eligible else "; ".join(self.reasons)


@dataclass(frozen=True)
class TargetCandidate:
    name: str
    problem_type: ProblemTypeName
    confidence: Confidence
    reason: str


@dataclass
class TargetAnalysis:
    """Every column's target hint (table order) and the eligible columns ranked, most outcome-like first."""

    columns: list[ColumnTarget]
    candidates: list[TargetCandidate] = field(default_factory=list)

    @property
    def suggested(self) -> TargetCandidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def clustering_hint(self) -> str | None:
        """Why the table may be one to find groups in rather than to predict from, or None when a column clearly
        is the outcome (the dashboard then pre-selects it, see `_confidence`)."""
        if not self.candidates:
            return "no column can be trained on as a target; clustering finds groups in the rows without one"
        if self.candidates[0].confidence != "high":
            return (
                "no column stands out as the outcome to predict; if the table has none, clustering finds groups in "
                "the rows without a target"
            )
        return None


def analyse_targets(
    profiles: Sequence[Mapping[str, Any]], n_rows: int, auto: Mapping[str, AutoTarget]
) -> TargetAnalysis:
    """Rank the columns of a profiled table (profile_columns' output, in table order) as prediction targets.

    `auto` holds each column's Auto decision; a column missing from it counts as refused.
    """
    decisions = [auto.get(str(p["name"]), _UNKNOWN) for p in profiles]
    eligible_positions = [i for i, p in enumerate(profiles) if _why_never(p, n_rows, decisions[i]) is None]
    last = eligible_positions[-1] if eligible_positions else -1
    columns = [_column_target(p, n_rows, decisions[i], is_last=i == last) for i, p in enumerate(profiles)]
    # Stable sort: equal scores keep table order, so the earlier column wins a tie.
    ranked = sorted((c for c in columns if c.eligible), key=lambda c: -c.score)
    candidates = [
        TargetCandidate(
            name=c.name,
            problem_type=c.problem_type or "regression",
            confidence=_confidence(ranked, i),
            reason=c.reason,
        )
        for i, c in enumerate(ranked)
    ]
    return TargetAnalysis(columns=columns, candidates=candidates)


_UNKNOWN = AutoTarget(problem_type=None, refusal="was not checked as a target")


def _column_target(profile: Mapping[str, Any], n_rows: int, auto: AutoTarget, *, is_last: bool) -> ColumnTarget:
    name = str(profile["name"])
    never = _why_never(profile, n_rows, auto)
    if never is not None or auto.problem_type is None:
        return ColumnTarget(name=name, eligible=False, problem_type=None, reasons=(never or "",), shape="")
    problem = auto.problem_type
    reasons: list[str] = []
    score = 0.0
    name_score, name_reason = _name_signal(name)
    if name_reason:
        score += name_score
        reasons.append(name_reason)
    if int(profile.get("unique") or 0) == 2:
        score += _TWO_VALUES
    if is_last:
        score += _LAST_COLUMN
        reasons.append("last usable column")
    return ColumnTarget(
        name=name,
        eligible=True,
        problem_type=problem,
        reasons=tuple(reasons),
        shape=_shape(profile, problem),
        score=score,
    )


def _why_never(profile: Mapping[str, Any], n_rows: int, auto: AutoTarget) -> str | None:
    """Why the column is never suggested: a kind nobody predicts, an id-like name, or training refusing it."""
    kind = ColumnKind(profile["kind"])
    if kind in _NEVER_TARGETS:
        return _NEVER_TARGETS[kind]
    distinct = int(profile.get("unique") or 0)
    if distinct == 0:
        return "has no values (every row is missing)"
    if distinct < 2:
        return "has a single value, so there is nothing to learn"
    present = n_rows - int(profile.get("missing") or 0)
    if kind is ColumnKind.CATEGORICAL and distinct > MAX_CLASSES_FOR_TEXT_TARGET and distinct > present / 2:
        return f"has {distinct} mostly unique labels, not classes anyone predicts"
    if is_id_like_name(str(profile["name"])):
        return "is named like an identifier"
    if auto.problem_type is None:
        return f"cannot be trained on as it is ({auto.refusal})"
    return None


def _name_signal(name: str) -> tuple[float, str | None]:
    lowered = name.strip().lower()
    if lowered in TARGET_NAMES:
        bonus = _NAME_ORDER_BONUS * (len(TARGET_NAMES) - TARGET_NAMES.index(lowered))
        weight = _WEAK_NAME if lowered in WEAK_TARGET_NAMES else _EXACT_NAME
        return weight + bonus, "named like an outcome"
    words = set(name_tokens(name))
    for keyword in TARGET_WORDS:
        if keyword in words:
            return _NAME_WORD, f"named like an outcome ({keyword})"
    return 0.0, None


def _shape(profile: Mapping[str, Any], problem: ProblemTypeName) -> str:
    distinct = int(profile.get("unique") or 0)
    values = _known_values(profile)
    if distinct == 2 and len(values) == 2:
        return f"two values, {values[0]} and {values[1]}"
    if distinct == 2:
        return "two values"
    if problem == "multiclass":
        listed = f": {', '.join(values[:5])}{', …' if distinct > 5 else ''}" if values else ""
        return f"{distinct} classes{listed}"
    return f"{distinct} different numbers"


def _known_values(profile: Mapping[str, Any]) -> list[str]:
    """The column's values as text when the profile lists them all (top values), or min and max of two numbers."""
    top = profile.get("top_values")
    distinct = int(profile.get("unique") or 0)
    if top and len(top) >= distinct:
        return [_spell(item["value"]) for item in top]
    if distinct == 2 and profile.get("min") is not None and profile.get("max") is not None:
        return [_spell(profile["min"]), _spell(profile["max"])]
    return []


def _spell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _confidence(ranked: Sequence[ColumnTarget], index: int) -> Confidence:
    score = ranked[index].score
    if index == 0:
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if score >= HIGH_SCORE and score - runner_up >= HIGH_MARGIN:
            return "high"
    return "medium" if score >= MEDIUM_SCORE else "low"
