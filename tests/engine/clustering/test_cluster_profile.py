"""Cluster profiles and names on real tables: iris (numeric), tips (categorical), and the column kinds' rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from flowml.engine.clustering.naming import (
    MAX_NAME_CHARS,
    NameRequest,
    Phrase,
    Spread,
    assign_names,
    humanise,
    nice_number,
    numeric_phrase,
)
from flowml.engine.clustering.profile import MAX_TRAITS, build_profiles
from flowml.engine.preprocessing import prepare_X
from flowml.engine.types import ColumnKind, FeaturePlan
from tests.conftest import dataset_path


def _plan(kinds: dict[str, ColumnKind]) -> FeaturePlan:
    return FeaturePlan(target=None, column_kinds=kinds)


@pytest.fixture(scope="module")
def iris() -> tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray]:
    """Iris without its species, k-means(3) on standardised columns; returns (frame, plan, labels, species)."""
    raw = pd.read_csv(dataset_path("iris.csv"))
    species = raw.pop("target").to_numpy()
    plan = _plan(dict.fromkeys(raw.columns, ColumnKind.NUMERIC))
    frame, _ = prepare_X(raw, plan)
    labels = KMeans(3, n_init=10, random_state=0).fit_predict(StandardScaler().fit_transform(frame))
    return frame, plan, labels, species


@pytest.fixture(scope="module")
def tips() -> tuple[pd.DataFrame, FeaturePlan]:
    raw = pd.read_csv(dataset_path("tips.csv"))
    kinds = {c: ColumnKind.NUMERIC for c in ("total_bill", "tip", "size")}
    kinds |= {c: ColumnKind.CATEGORICAL for c in ("sex", "smoker", "day", "time")}
    plan = _plan(kinds)
    return prepare_X(raw, plan)[0], plan


def test_iris_setosa_cluster_is_named_by_its_small_petals(
    iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
) -> None:
    frame, plan, labels, species = iris
    profiles, notes = build_profiles(frame, plan, labels)

    setosa = int(np.bincount(labels[species == 0]).argmax())
    profile = next(p for p in profiles if p.id == setosa)
    assert "petal" in profile.name
    assert profile.name.startswith("low petal")
    petal = next(t for t in profile.numeric if t.column == "petal length (cm)")
    assert petal.smd < -1.0
    assert petal.cluster_mean == pytest.approx(frame.loc[labels == setosa, "petal length (cm)"].mean(), rel=1e-4)
    assert petal.overall_mean == pytest.approx(frame["petal length (cm)"].mean(), rel=1e-4)
    assert notes == []


def test_iris_profiles_are_unique_bounded_and_cover_every_row(
    iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
) -> None:
    frame, plan, labels, _ = iris
    profiles, _ = build_profiles(frame, plan, labels)

    assert [p.id for p in profiles] == [0, 1, 2]
    assert len({p.name for p in profiles}) == 3
    assert all(len(p.name) <= MAX_NAME_CHARS for p in profiles)
    assert sum(p.size for p in profiles) == len(frame)
    assert sum(p.share for p in profiles) == pytest.approx(1.0, abs=1e-3)
    for profile in profiles:
        assert 1 <= len(profile.summary) <= 3
        assert profile.name == ", ".join(profile.summary)
        smds = [abs(t.smd) for t in profile.numeric]
        assert smds == sorted(smds, reverse=True)
        assert len(profile.numeric) == 4  # every iris column, none constant


def test_tips_lunch_cluster_shows_its_over_represented_categories(tips: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, plan = tips
    # Lunch (68 rows) is cluster 1, dinner (176) cluster 0: the larger first, as ClusterModel numbers them.
    labels = (frame["time"] == "Lunch").to_numpy().astype(np.int64)

    profiles, _ = build_profiles(frame, plan, labels)
    lunch = profiles[1]
    assert lunch.size == 68
    time_trait = next(t for t in lunch.categorical if t.column == "time")
    assert (time_trait.value, time_trait.cluster_share) == ("Lunch", 1.0)
    assert time_trait.overall_share == pytest.approx(68 / 244, rel=1e-3)
    assert time_trait.lift == pytest.approx(244 / 68, rel=1e-3)
    thursday = next(t for t in lunch.categorical if t.column == "day")
    assert (thursday.value, thursday.cluster_share) == ("Thur", pytest.approx(61 / 68, rel=1e-3))
    assert lunch.name == "time: Lunch, day: Thur"
    # Dinner is 72% of all rows: 100% of its cluster is a lift of 1.39, too little to name it by; its traits still
    # differ (0.6 standard deviations on the dinner indicator), so it is "mixed" rather than "typical rows".
    assert (profiles[0].name, profiles[0].summary) == ("mixed", [])


def test_a_table_without_numeric_columns(tips: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, _ = tips
    plan = _plan({c: ColumnKind.CATEGORICAL for c in ("sex", "smoker", "day", "time")})
    labels = (frame["time"] == "Lunch").to_numpy().astype(np.int64)

    profiles, notes = build_profiles(frame[plan.features], plan, labels)
    assert [p.numeric for p in profiles] == [[], []]
    assert profiles[1].name == "time: Lunch, day: Thur"
    assert notes == []


def test_tips_kmeans_traits_are_over_represented_and_bounded(tips: tuple[pd.DataFrame, FeaturePlan]) -> None:
    frame, plan = tips
    encoded = pd.get_dummies(frame, columns=["sex", "smoker", "day", "time"], dtype=float)
    labels = KMeans(4, n_init=5, random_state=0).fit_predict(StandardScaler().fit_transform(encoded))

    profiles, _ = build_profiles(frame, plan, labels)
    assert len({p.name for p in profiles}) == 4
    for profile in profiles:
        assert 0 < len(profile.categorical) <= MAX_TRAITS
        assert all(t.lift >= 1.1 and t.cluster_share > t.overall_share for t in profile.categorical)
        assert {t.column for t in profile.numeric} == {"total_bill", "tip", "size"}


def test_noise_rows_are_left_out_of_profiles_but_count_in_shares(
    iris: tuple[pd.DataFrame, FeaturePlan, np.ndarray, np.ndarray],
) -> None:
    frame, plan, labels, _ = iris
    noisy = labels.copy()
    noisy[::10] = -1  # 15 rows of 150

    profiles, _ = build_profiles(frame, plan, noisy)
    assert [p.id for p in profiles] == [0, 1, 2]
    assert sum(p.size for p in profiles) == 135
    assert sum(p.share for p in profiles) == pytest.approx(0.9, abs=1e-3)


def test_dates_boolean_and_text_columns() -> None:
    rng = np.random.default_rng(0)
    n = 200
    early = np.arange(n) < 160  # the late 20% lie above the overall 75th percentile: "2021+"
    frame = pd.DataFrame(
        {
            "signup_date": np.where(
                early,
                pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
                pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            ),
            "is_member": np.where(early, "False", "True"),
            "comment": [f"note {i}" for i in range(n)],
            "fixed": np.ones(n),
        }
    )
    frame["signup_date"] = pd.to_datetime(frame["signup_date"])
    plan = _plan(
        {
            "signup_date": ColumnKind.DATETIME,
            "is_member": ColumnKind.BOOLEAN,
            "comment": ColumnKind.TEXT,
            "fixed": ColumnKind.NUMERIC,
        }
    )
    labels = np.where(early, 0, 1)

    profiles, notes = build_profiles(frame, plan, labels)
    late = profiles[1]
    assert "signup date 2021+" in late.summary
    assert "is member: yes" in late.summary
    assert profiles[0].name != late.name
    date_trait = late.numeric[0]
    assert date_trait.column == "signup_date"
    assert 2021.0 < date_trait.cluster_mean < 2023.0
    assert all(t.column != "comment" for p in profiles for t in p.categorical)
    assert "text columns are not profiled: comment" in notes
    assert "columns without spread are not profiled: fixed" in notes
    assert any(note.startswith("date columns are profiled as decimal years") for note in notes)


# --- names ---------------------------------------------------------------------------------------------------------


def _phrases(*texts: str) -> list[Phrase]:
    return [Phrase(text, 2.0 - i / 10, f"c{i}") for i, text in enumerate(texts)]


def test_clashing_names_add_a_phrase_then_a_number() -> None:
    names = assign_names(
        [
            NameRequest(0, _phrases("high income", "low age", "city: Paris"), 1.0),
            NameRequest(1, _phrases("high income", "low age", "city: Rome"), 1.0),
            NameRequest(2, _phrases("high income", "low age"), 1.0),
            NameRequest(3, _phrases("high income", "low age"), 1.0),
        ]
    )
    assert names[0].text == "high income, low age, city: Paris"
    assert names[1].text == "high income, low age, city: Rome"
    assert names[2].text == "high income, low age"
    assert names[3].text == "high income, low age (3)"
    assert names[1].summary == ["high income", "low age", "city: Rome"]


def test_clusters_without_a_trait_are_typical_mixed_then_numbered() -> None:
    names = assign_names(
        [NameRequest(0, [], 0.1), NameRequest(1, [], 0.1), NameRequest(2, [], 0.4), NameRequest(3, [], 0.4)]
    )
    assert [names[i].text for i in range(4)] == ["typical rows", "cluster 1", "mixed", "cluster 3"]
    assert all(name.summary == [] for name in names.values())


def test_long_column_names_keep_names_short() -> None:
    long = "average_monthly_spending_on_groceries_in_euros"
    names = assign_names([NameRequest(0, _phrases(f"high {humanise(long)}", f"low {humanise(long + '_2')}"), 2.0)])
    assert len(names[0].text) <= MAX_NAME_CHARS
    assert names[0].text.startswith("high average monthly")


def test_phrase_words() -> None:
    assert humanise("sepal length (cm)") == "sepal length"
    assert humanise("annual_income.usd") == "annual income usd"
    assert nice_number(52.7, "down") == "52"
    assert nice_number(4.351, "up") == "4.4"
    assert nice_number(123_456, "down") == "120,000"
    above = Spread(cluster_q10=52.7, cluster_q90=70, overall_q25=30, overall_q75=50)
    assert numeric_phrase("age", 1.2, above, is_date=False) == "age 52+"
    below = Spread(cluster_q10=18, cluster_q90=24.2, overall_q25=30, overall_q75=50)
    assert numeric_phrase("age", -1.2, below, is_date=False) == "age under 25"
    overlapping = Spread(cluster_q10=35, cluster_q90=70, overall_q25=30, overall_q75=50)
    assert numeric_phrase("age", 0.8, overlapping, is_date=False) == "high age"
    assert numeric_phrase("joined", -0.8, overlapping, is_date=True) == "early joined"
