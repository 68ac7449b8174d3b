"""Cluster names a person can read, made of the traits that set each cluster apart ("high income, age 50+").

profile.py measures the traits and asks here for the words (`numeric_phrase`, `category_phrase`); `assign_names`
then picks each cluster's strongest one or two phrases and makes the names unique across clusters.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MAX_NAME_CHARS = 40
MAX_COLUMN_CHARS = 24  # a long column name is cut so that two phrases still fit in a name
MAX_PHRASES = 3  # a name holds at most this many phrases (two, plus one more to tell clusters apart)
BASE_PHRASES = 2
# Below this spread (the strongest trait, in standard deviations) a cluster without a phrase is "typical rows":
# close to the average row; above it, its traits differ but none enough to name it ("mixed").
TYPICAL_SPREAD = 0.25
TRUE_VALUES = frozenset({"true", "1", "yes", "y", "t"})
FALSE_VALUES = frozenset({"false", "0", "no", "n", "f"})


@dataclass(frozen=True)
class Phrase:
    """Words for one trait of a cluster; `strength` is how far the cluster sits from all rows on it, in standard
    deviations (a numeric column's |smd|, a category's |smd| of its 0/1 indicator), so numeric and categorical
    traits rank on one scale."""

    text: str
    strength: float
    column: str


@dataclass(frozen=True)
class Spread:
    """Where a cluster's values of a column lie against all rows': its 10th and 90th percentiles and the overall
    quartiles. Clearly above (its 10th at or above the overall 75th) reads as "age 50+"."""

    cluster_q10: float
    cluster_q90: float
    overall_q25: float
    overall_q75: float


def humanise(column: str) -> str:
    """'annual_income (USD)' -> 'annual income': underscores and dots to spaces, units in brackets left out."""
    text = re.sub(r"[\(\[].*?[\)\]]", " ", column)
    text = " ".join(re.sub(r"[_.]+", " ", text).split())
    text = text or column.strip() or "column"
    return text if len(text) <= MAX_COLUMN_CHARS else text[: MAX_COLUMN_CHARS - 1].rstrip() + "…"


def nice_number(value: float, direction: Literal["down", "up"]) -> str:
    """`value` to two significant digits, rounded down or up so that the phrase stays true (52.7 -> '52')."""
    if value == 0 or not math.isfinite(value):
        return "0"
    step = 10.0 ** (math.floor(math.log10(abs(value))) - 1)
    steps = value / step
    snapped = (math.floor(steps) if direction == "down" else math.ceil(steps)) * step
    if step >= 1:
        return f"{round(snapped):,}"
    decimals = -math.floor(math.log10(step))
    return f"{snapped:.{decimals}f}"


def numeric_phrase(column: str, smd: float, spread: Spread | None, *, is_date: bool) -> str:
    """'age 50+' / 'age under 30' when the cluster lies clearly above / below most rows, else 'high age' / 'low
    age' ('late' / 'early' for dates, whose values are decimal years)."""
    name = humanise(column)
    if spread is not None and smd > 0 and spread.cluster_q10 >= spread.overall_q75:
        bound = str(math.floor(spread.cluster_q10)) if is_date else nice_number(spread.cluster_q10, "down")
        return f"{name} {bound}+"
    if spread is not None and smd < 0 and spread.cluster_q90 <= spread.overall_q25:
        if is_date:
            return f"{name} before {math.ceil(spread.cluster_q90)}"
        return f"{name} under {nice_number(spread.cluster_q90, 'up')}"
    if is_date:
        return f"{'late' if smd > 0 else 'early'} {name}"
    return f"{'high' if smd > 0 else 'low'} {name}"


def category_phrase(column: str, value: str, *, boolean: bool, missing: bool) -> str:
    """'sex: Female'; a boolean reads 'smoker: yes' / 'smoker: no', a missing value 'cabin: missing'."""
    name = humanise(column)
    if missing:
        return f"{name}: missing"
    if boolean and value.strip().lower() in TRUE_VALUES:
        return f"{name}: yes"
    if boolean and value.strip().lower() in FALSE_VALUES:
        return f"{name}: no"
    text = value if len(value) <= MAX_COLUMN_CHARS else value[: MAX_COLUMN_CHARS - 1].rstrip() + "…"
    return f"{name}: {text}"


@dataclass(frozen=True)
class NameRequest:
    """One cluster to name: its id, its eligible phrases strongest first (at most one per column), and its spread
    (the strongest trait of any size, for the wording when no phrase is eligible)."""

    id: int
    phrases: Sequence[Phrase]
    spread: float


@dataclass(frozen=True)
class Name:
    text: str
    summary: list[str]


def assign_names(requests: Sequence[NameRequest]) -> dict[int, Name]:
    """A unique name per cluster id: its strongest phrases, one more phrase where two names collide, then a
    number; a cluster with no phrase is 'typical rows' or 'mixed' once, then 'cluster N'. Requests come in id
    order (largest cluster first), which keeps the plain name for the largest of a colliding group."""
    used = {r.id: min(BASE_PHRASES, len(r.phrases)) for r in requests}
    names = {r.id: _compose(r, used[r.id]) for r in requests}
    for _ in range(MAX_PHRASES - BASE_PHRASES):
        clashing = _clashing(names)
        grew = False
        for request in requests:
            if names[request.id].text in clashing and used[request.id] < len(request.phrases):
                used[request.id] += 1
                names[request.id] = _compose(request, used[request.id])
                grew = True
        if not grew:
            break
    return _numbered(requests, names)


def _compose(request: NameRequest, count: int) -> Name:
    if count == 0:
        return Name("typical rows" if request.spread < TYPICAL_SPREAD else "mixed", [])
    chosen: list[str] = []
    for phrase in request.phrases[:count]:
        # A phrase that would push the name past the limit is left out; the first always fits (humanise cuts).
        if not chosen or len(", ".join([*chosen, phrase.text])) <= MAX_NAME_CHARS:
            chosen.append(phrase.text)
    return Name(", ".join(chosen)[:MAX_NAME_CHARS], chosen)


def _clashing(names: dict[int, Name]) -> set[str]:
    counts = Counter(name.text for name in names.values())
    return {text for text, n in counts.items() if n > 1}


def _numbered(requests: Sequence[NameRequest], names: dict[int, Name]) -> dict[int, Name]:
    """Names still shared after adding phrases: the first keeps it, the others get the cluster's number appended,
    or become 'cluster N' when they have no phrase (no phrase reads 'cluster N': that one is always free)."""
    taken: set[str] = set()
    out: dict[int, Name] = {}
    for request in requests:
        name = names[request.id]
        if name.text in taken and name.summary:
            suffix = f" ({request.id})"
            name = Name(name.text[: MAX_NAME_CHARS - len(suffix)] + suffix, name.summary)
        if name.text in taken:
            name = Name(f"cluster {request.id}", [])
        taken.add(name.text)
        out[request.id] = name
    return out
