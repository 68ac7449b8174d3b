"""Cluster profiles: each cluster's size and the columns that set it apart from all rows, with a readable name.

Measured on the raw feature columns (`prepare_X`'s output), not the encoded matrix: "mean age 52 against 38" is
what a person reads. Numeric columns by standardised mean difference (smd: the cluster's mean minus the overall
mean, in overall standard deviations; constant columns skipped), date columns the same as decimal years,
categorical and boolean values by over-representation (share in the cluster against share in all rows), missing
values as a category of their own. Text columns are skipped with a note. Noise rows (label -1) belong to no
profile but count in the overall statistics and in the shares' denominator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowml.engine.clustering.naming import (
    NameRequest,
    Phrase,
    Spread,
    assign_names,
    category_phrase,
    numeric_phrase,
)
from flowml.engine.clustering.report_models import CategoryTrait, ClusterProfile, NumericTrait, rounded
from flowml.engine.types import ColumnKind, FeaturePlan

MAX_TRAITS = 10  # per kind and cluster: the card shows the strongest, the tail adds nothing readable
NAME_SMD = 0.5  # a numeric column names a cluster from half a standard deviation off the overall mean
NAME_LIFT = 1.5  # a category names a cluster when 1.5 times as common as overall ...
NAME_SHARE = 0.5  # ... and held by at least half of the cluster
MIN_LIFT = 1.1  # a value is listed as over-represented from 10% above its overall share
MISSING_VALUE = "(missing)"
SECONDS_PER_YEAR = 365.2425 * 86_400
NUMERIC_KINDS = frozenset({ColumnKind.NUMERIC, ColumnKind.DATETIME})
CATEGORY_KINDS = frozenset({ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN})


@dataclass(frozen=True)
class _NumericStats:
    """Per-cluster means and 10th/90th percentiles, overall mean, std and quartiles of the usable columns."""

    dates: frozenset[str]
    means: pd.DataFrame
    q10: pd.DataFrame
    q90: pd.DataFrame
    overall_mean: pd.Series
    overall_std: pd.Series
    q25: pd.Series
    q75: pd.Series


@dataclass(frozen=True)
class _CategoryStats:
    """One column's values, their shares of all rows, and rows per (cluster, value), as arrays: a cluster's traits
    are then a few vector operations, whatever the column's vocabulary."""

    column: str
    boolean: bool
    values: pd.Index  # distinct values (missing as MISSING_VALUE)
    overall: np.ndarray  # share of all rows, per value
    counts: np.ndarray  # rows per cluster (`row_of`) and value
    row_of: dict[int, int]  # cluster id (noise included) -> row of `counts`


@dataclass(frozen=True)
class _ClusterTraits:
    numeric: list[NumericTrait]
    categorical: list[CategoryTrait]
    request: NameRequest


def build_profiles(
    frame: pd.DataFrame, plan: FeaturePlan, labels: np.ndarray
) -> tuple[list[ClusterProfile], list[str]]:
    """One profile per cluster id (0, 1, ... as in `labels`), uniquely named, and notes on what was left out."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) != len(frame):
        raise ValueError(f"{len(labels)} labels for {len(frame)} rows")
    frame = frame.reset_index(drop=True)  # labels are positional: a sliced frame's index must not realign them
    kinds = {c: ColumnKind(k) for c, k in plan.column_kinds.items() if c in frame.columns}
    key = pd.Series(labels, index=frame.index)
    numeric = _numeric_stats(frame, kinds, key)
    categories = [
        _category_stats(frame[c], c, kinds[c] is ColumnKind.BOOLEAN, labels) for c in _of(kinds, CATEGORY_KINDS)
    ]
    ids = sorted(int(i) for i in np.unique(labels[labels >= 0]))
    traits = {cid: _cluster_traits(cid, numeric, categories) for cid in ids}
    names = assign_names([traits[cid].request for cid in ids])
    sizes = np.bincount(labels[labels >= 0], minlength=len(ids)) if ids else np.zeros(0, dtype=np.int64)
    profiles = [
        ClusterProfile(
            id=cid,
            name=names[cid].text,
            size=int(sizes[cid]),
            share=rounded(sizes[cid] / len(labels)),
            numeric=traits[cid].numeric,
            categorical=traits[cid].categorical,
            summary=names[cid].summary,
        )
        for cid in ids
    ]
    return profiles, _notes(kinds, numeric)


def _of(kinds: dict[str, ColumnKind], wanted: frozenset[ColumnKind]) -> list[str]:
    return [c for c, k in kinds.items() if k in wanted]


def _notes(kinds: dict[str, ColumnKind], numeric: _NumericStats) -> list[str]:
    notes: list[str] = []
    text = _of(kinds, frozenset({ColumnKind.TEXT}))
    if text:
        notes.append(f"text columns are not profiled: {', '.join(text)}")
    if numeric.dates:
        notes.append(f"date columns are profiled as decimal years: {', '.join(sorted(numeric.dates))}")
    constant = [c for c in _of(kinds, NUMERIC_KINDS) if c not in numeric.overall_mean.index]
    if constant:
        notes.append(f"columns without spread are not profiled: {', '.join(constant)}")
    return notes


# --- numeric and date columns --------------------------------------------------------------------------------------


def _numeric_stats(frame: pd.DataFrame, kinds: dict[str, ColumnKind], key: pd.Series) -> _NumericStats:
    columns = {c: _as_number(frame[c], kinds[c]) for c in _of(kinds, NUMERIC_KINDS)}
    table = pd.DataFrame(columns, index=frame.index, dtype=np.float64)
    std = table.std(ddof=0)
    usable = [c for c in table.columns if math.isfinite(std[c]) and std[c] > 0]
    table = table[usable]
    grouped = table.groupby(key)
    return _NumericStats(
        dates=frozenset(c for c in usable if kinds[c] is ColumnKind.DATETIME),
        means=grouped.mean(),
        q10=grouped.quantile(0.1),
        q90=grouped.quantile(0.9),
        overall_mean=table.mean(),
        overall_std=std[usable],
        q25=table.quantile(0.25),
        q75=table.quantile(0.75),
    )


def _as_number(series: pd.Series, kind: ColumnKind) -> pd.Series:
    if kind is ColumnKind.DATETIME:
        moments = pd.to_datetime(series, errors="coerce")
        return (moments - pd.Timestamp("1970-01-01")).dt.total_seconds() / SECONDS_PER_YEAR + 1970.0
    return pd.to_numeric(series, errors="coerce").astype(np.float64)


def _numeric_traits(cid: int, stats: _NumericStats) -> tuple[list[NumericTrait], list[Phrase]]:
    if cid not in stats.means.index:
        return [], []
    means = _row(stats.means, cid)
    smd = ((means - stats.overall_mean) / stats.overall_std).dropna()
    order = smd.abs().sort_values(ascending=False, kind="stable").index
    traits = [
        NumericTrait(
            column=str(c),
            cluster_mean=rounded(means[c], 6),
            overall_mean=rounded(stats.overall_mean[c], 6),
            smd=rounded(smd[c], 3),
        )
        for c in order[:MAX_TRAITS]
    ]
    phrases = [
        Phrase(
            numeric_phrase(str(c), float(smd[c]), _spread(cid, str(c), stats), is_date=c in stats.dates),
            abs(smd[c]),
            str(c),
        )
        for c in order
        if abs(smd[c]) >= NAME_SMD
    ]
    return traits, phrases


def _spread(cid: int, column: str, stats: _NumericStats) -> Spread | None:
    values = [float(v) for v in (_row(stats.q10, cid)[column], _row(stats.q90, cid)[column])]
    values += [float(stats.q25[column]), float(stats.q75[column])]
    if not all(math.isfinite(v) for v in values):
        return None
    return Spread(*values)


def _row(table: pd.DataFrame, cid: int) -> pd.Series:
    """One cluster's row of a per-cluster table (groupby's index: one row per cluster id)."""
    row = table.loc[cid]
    if not isinstance(row, pd.Series):
        raise TypeError(f"cluster {cid} has more than one row in a per-cluster table")
    return row


# --- categorical and boolean columns -------------------------------------------------------------------------------


def _category_stats(series: pd.Series, column: str, boolean: bool, labels: np.ndarray) -> _CategoryStats:
    values = series.astype(object).where(series.notna(), MISSING_VALUE).astype(str)
    codes, distinct = pd.factorize(values)  # hashing: np.unique would sort the strings
    clusters, rows = np.unique(labels, return_inverse=True)
    counts = np.zeros((len(clusters), len(distinct)), dtype=np.int64)
    np.add.at(counts, (rows, codes), 1)
    overall = counts.sum(axis=0) / len(values)
    return _CategoryStats(column, boolean, distinct, overall, counts, {int(c): i for i, c in enumerate(clusters)})


def _category_traits(cid: int, stats: _CategoryStats) -> list[tuple[CategoryTrait, float]]:
    """The cluster's over-represented values of one column, each with its strength (the smd of its indicator): the
    strongest MAX_TRAITS (no more can make the cluster's list) and any value that can name the cluster."""
    row = stats.row_of.get(cid)
    if row is None or len(stats.values) < 2:
        return []
    counts = stats.counts[row]
    share = counts / counts.sum()
    lift = share / stats.overall  # every value occurs somewhere: no share of all rows is 0
    strength = (share - stats.overall) / np.sqrt(stats.overall * (1 - stats.overall))
    over = np.flatnonzero((counts > 0) & (lift >= MIN_LIFT))
    strongest = over[np.argsort(-strength[over], kind="stable")[:MAX_TRAITS]]
    nameable = np.flatnonzero((lift >= NAME_LIFT) & (share >= NAME_SHARE))
    chosen = dict.fromkeys([*strongest.tolist(), *nameable.tolist()])
    return [
        (
            CategoryTrait(
                column=stats.column,
                value=str(stats.values[i]),
                cluster_share=rounded(share[i]),
                overall_share=rounded(stats.overall[i]),
                lift=rounded(lift[i], 3),
            ),
            float(strength[i]),
        )
        for i in chosen
    ]


def _category_phrases(found: Sequence[tuple[CategoryTrait, float]], boolean: dict[str, bool]) -> list[Phrase]:
    """At most one phrase per column: its strongest value common enough in the cluster to name it."""
    best: dict[str, tuple[CategoryTrait, float]] = {}
    for trait, strength in found:
        if trait.lift < NAME_LIFT or trait.cluster_share < NAME_SHARE:
            continue
        if trait.column not in best or strength > best[trait.column][1]:
            best[trait.column] = (trait, strength)
    return [
        Phrase(
            category_phrase(t.column, t.value, boolean=boolean[t.column], missing=t.value == MISSING_VALUE),
            strength,
            t.column,
        )
        for t, strength in best.values()
    ]


# --- one cluster ---------------------------------------------------------------------------------------------------


def _cluster_traits(cid: int, numeric: _NumericStats, categories: Sequence[_CategoryStats]) -> _ClusterTraits:
    numeric_traits, numeric_phrases = _numeric_traits(cid, numeric)
    found = [pair for stats in categories for pair in _category_traits(cid, stats)]
    found.sort(key=lambda pair: -pair[1])
    phrases = numeric_phrases + _category_phrases(found, {s.column: s.boolean for s in categories})
    phrases.sort(key=lambda p: -p.strength)
    strengths = [abs(t.smd) for t in numeric_traits] + [s for _, s in found]
    request = NameRequest(id=cid, phrases=phrases, spread=max(strengths, default=0.0))
    return _ClusterTraits(numeric_traits, [t for t, _ in found[:MAX_TRAITS]], request)
