"""Which number of clusters each published k-selection rule picks on tables whose groups are known.

FlowML's clustering search optimises one internal index (silhouette, Calinski-Harabasz or Davies-Bouldin), and on
iris and penguins all three prefer 2 clusters where the tables hold 3 species (docs/benchmarks.md, "Clustering
against k-means"). This script measures, outside FlowML, what other rules would pick, so a change to how FlowML
chooses k starts from numbers rather than guesses. Per dataset: k-means (`n_init=10`, standardised columns) for
k = 1..`--max-k`, then

- the best k by silhouette, Calinski-Harabasz and Davies-Bouldin;
- the lowest BIC of a Gaussian mixture with full and with diagonal covariances (Schwarz 1978);
- the gap statistic with the 1-SE rule (Tibshirani, Walther and Hastie 2001, "Estimating the number of clusters in
  a data set via the gap statistic"): the smallest k with gap(k) >= gap(k+1) - s(k+1), with a uniform reference
  over the columns' bounding box and with the paper's recommended reference aligned to the principal components;

and the adjusted Rand of k-means at each rule's k against the known groups.

    python benchmarks/k_rules.py                                   # iris, wine, penguins, blobs: about a minute
    python benchmarks/k_rules.py --datasets iris --max-k 4 --references 2

Tables come from benchmarks/clustering.py (same loading, the same synthetic blobs); large tables are subsampled to
`--sample` rows so the reference fits stay quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: import from the repository root
from benchmarks.automl import MANIFEST, table
from benchmarks.clustering import DEFAULT_DATASETS, NOISE, Table, tables

SEED = 0
Reference = Callable[[np.ndarray, np.random.Generator], np.ndarray]


@dataclass(frozen=True)
class Picks:
    dataset: str
    true_k: int
    picks: dict[str, int]  # rule -> k
    ari: dict[int, float]  # k -> adjusted Rand of k-means with that k


def _kmeans(X: np.ndarray, k: int, n_init: int = 10) -> KMeans:
    return KMeans(n_clusters=k, n_init=n_init, random_state=SEED).fit(X)


def uniform_box(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(X.min(axis=0), X.max(axis=0), size=X.shape)


def pca_box(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniform over the box of the principal components, rotated back: the paper's reference that follows the data's
    shape, so an elongated single group is not mistaken for several."""
    centred = X - X.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    scores = centred @ vt.T
    return rng.uniform(scores.min(axis=0), scores.max(axis=0), size=scores.shape) @ vt


def gap_pick(X: np.ndarray, log_w: dict[int, float], reference: Reference, references: int) -> int:
    """The 1-SE rule: the smallest k whose gap is within one standard error of the next k's."""
    ks = sorted(log_w)
    gaps, errors = {}, {}
    for k in ks:
        ref = [np.log(_kmeans(reference(X, np.random.default_rng(b)), k, n_init=3).inertia_) for b in range(references)]
        gaps[k] = float(np.mean(ref) - log_w[k])
        errors[k] = float(np.std(ref) * np.sqrt(1 + 1 / references))
    return next((k for k in ks[:-1] if gaps[k] >= gaps[k + 1] - errors[k + 1]), ks[-1])


def measure(t: Table, max_k: int, references: int, sample: int) -> Picks:
    X = StandardScaler().fit_transform(t.features.to_numpy(dtype=float))
    truth = t.truth
    if len(X) > sample:
        rows = np.random.default_rng(SEED).choice(len(X), sample, replace=False)
        X, truth = X[rows], truth[rows]
    scored = truth != NOISE
    log_w: dict[int, float] = {}
    labels: dict[int, np.ndarray] = {}
    bic_full: dict[int, float] = {}
    bic_diag: dict[int, float] = {}
    for k in range(1, max_k + 1):
        model = _kmeans(X, k)
        log_w[k], labels[k] = float(np.log(model.inertia_)), model.labels_
        for covariance, bics in (("full", bic_full), ("diag", bic_diag)):
            mixture = GaussianMixture(k, covariance_type=covariance, n_init=2, random_state=SEED).fit(X)
            bics[k] = float(mixture.bic(X))
    many = range(2, max_k + 1)
    picks = {
        "silhouette": max(many, key=lambda k: silhouette_score(X, labels[k])),
        "Calinski-Harabasz": max(many, key=lambda k: calinski_harabasz_score(X, labels[k])),
        "Davies-Bouldin": min(many, key=lambda k: davies_bouldin_score(X, labels[k])),
        "mixture BIC, full": min(bic_full, key=lambda k: bic_full[k]),
        "mixture BIC, diagonal": min(bic_diag, key=lambda k: bic_diag[k]),
        "gap, uniform box": gap_pick(X, log_w, uniform_box, references),
        "gap, PCA-aligned box": gap_pick(X, log_w, pca_box, references),
    }
    ari = {k: float(adjusted_rand_score(truth[scored], labels[k][scored])) for k in range(1, max_k + 1)}
    return Picks(t.name, t.true_k, picks, ari)


def markdown(results: list[Picks], args: argparse.Namespace) -> str:
    heading = (
        f"{date.today()}: k-means k = 1..{args.max_k}, {args.references} reference sets, at most {args.sample} rows"
    )
    rules = list(results[0].picks)
    headers = ["rule", *(r.dataset for r in results), "mean ARI at its k"]
    lines = [["true k", *(str(r.true_k) for r in results), _mean(results, {r.dataset: r.true_k for r in results})]]
    for rule in rules:
        chosen = {r.dataset: r.picks[rule] for r in results}
        cells = [f"{r.picks[rule]} ({r.ari[r.picks[rule]]:.2f})" for r in results]
        lines.append([rule, *cells, _mean(results, chosen)])
    return "\n".join([heading, "", *table(headers, lines), "", "Cells: k picked (adjusted Rand of k-means at it)."])


def _mean(results: list[Picks], chosen: dict[str, int]) -> str:
    return f"{np.mean([r.ari.get(chosen[r.dataset], float('nan')) for r in results]):.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", default=",".join(DEFAULT_DATASETS), help="comma-separated (default: %(default)s)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="the dataset list (default: %(default)s)")
    parser.add_argument("--max-k", type=int, default=10, help="largest k tried (default 10)")
    parser.add_argument("--references", type=int, default=10, help="reference sets per k for the gap (default 10)")
    parser.add_argument("--sample", type=int, default=3000, help="rows kept of a larger table (default 3000)")
    parser.add_argument("--blob-rows", type=int, default=20_000, help="rows of the synthetic blob set")
    args = parser.parse_args()
    if args.max_k < 3 or args.references < 2:
        parser.error("--max-k must be at least 3 and --references at least 2")
    names = [n.strip() for n in args.datasets.split(",") if n.strip()]
    results = [
        measure(t, args.max_k, args.references, args.sample) for t in tables(names, args.manifest, args.blob_rows)
    ]
    print(markdown(results, args))


if __name__ == "__main__":
    main()
