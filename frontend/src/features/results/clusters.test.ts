import { describe, expect, it } from "vitest";
import { CLUSTER_HUES, NOISE_HUE } from "../../lib/palette";
import {
  agreementScores,
  categoryTraitText,
  clusterColor,
  clusterNamer,
  elbowPoints,
  NOISE_NAME,
  numericTraitText,
  overallSilhouette,
  projectionAxisLabel,
  projectionSample,
  SILHOUETTE_BARS_PER_CLUSTER,
  scatterSeries,
  silhouetteBars,
  stabilityText,
  topTraits,
} from "./clusters";

const profiles = [
  { id: 0, name: "long petals" },
  { id: 1, name: "short petals, wide sepals" },
];

describe("cluster colours and names", () => {
  it("gives each cluster its own hue, never the noise grey, and noise the grey", () => {
    const hues = [0, 1, 2, 3].map(clusterColor);
    expect(new Set(hues).size).toBe(4);
    expect(hues).not.toContain(NOISE_HUE);
    expect(clusterColor(-1)).toBe(NOISE_HUE);
    expect(clusterColor(CLUSTER_HUES.length)).toBe(clusterColor(0));
  });

  it("names clusters from their profiles, with a fallback and a name for noise", () => {
    const name = clusterNamer(profiles);
    expect([name(1), name(7), name(-1)]).toEqual(["short petals, wide sepals", "Cluster 7", NOISE_NAME]);
  });
});

describe("scatterSeries", () => {
  it("groups the points by cluster, in id order with noise last", () => {
    const points = [
      { x: 1, y: 2, cluster: 1 },
      { x: 0, y: 0, cluster: -1 },
      { x: 3, y: 4, cluster: 0 },
      { x: 5, y: 6, cluster: 1 },
    ];
    const series = scatterSeries(points, clusterNamer(profiles));
    expect(series.map((s) => [s.id, s.name, s.points.length])).toEqual([
      [0, "long petals", 1],
      [1, "short petals, wide sepals", 2],
      [-1, NOISE_NAME, 1],
    ]);
    expect(series[1]?.points).toEqual([
      { x: 1, y: 2 },
      { x: 5, y: 6 },
    ]);
    expect(series[2]?.color).toBe(NOISE_HUE);
  });
});

describe("the projection's words", () => {
  it("labels PCA axes with their share of the variance, UMAP axes plainly", () => {
    const pca = { method: "pca" as const, explained_variance: [0.7296, 0.2285] };
    expect(projectionAxisLabel(pca, 0)).toBe("Component 1 (73% of the variance)");
    expect(projectionAxisLabel(pca, 1)).toBe("Component 2 (23% of the variance)");
    expect(projectionAxisLabel({ method: "umap", explained_variance: null }, 1)).toBe("UMAP 2");
  });

  it("says when the points are a sample", () => {
    const point = { x: 0, y: 0, cluster: 0 };
    expect(projectionSample({ points: [point, point], n_total: 2 })).toBe("all 2 rows");
    expect(projectionSample({ points: [point], n_total: 100000 })).toBe(`1 of ${(100000).toLocaleString()} rows (a fixed sample)`);
  });
});

describe("elbowPoints", () => {
  it("orders the points by number of clusters and marks the delivered one", () => {
    const elbow = [
      { n_clusters: 4, score: 0.49, algorithm: "kmeans", trial_number: 9 },
      { n_clusters: 2, score: 0.68, algorithm: "agglomerative", trial_number: 3 },
      { n_clusters: 3, score: 0.55, algorithm: "gaussian_mixture", trial_number: 5 },
    ];
    const points = elbowPoints(elbow, 3);
    expect(points.map((p) => p.n)).toEqual([2, 3, 4]);
    expect(points.filter((p) => p.chosen)).toEqual([{ n: 3, score: 0.55, algorithm: "gaussian_mixture", trial: 5, chosen: true }]);
  });
});

describe("silhouetteBars", () => {
  it("lays the clusters out one after another, largest values first, with a gap", () => {
    const bars = silhouetteBars(
      [
        { id: 1, mean: 0.2, values: [0.1, 0.3, -0.05] },
        { id: 0, mean: 0.7, values: [0.8, 0.6] },
      ],
      2,
    );
    expect(bars.map((bar) => [bar.slot, bar.cluster, bar.value])).toEqual([
      [0, 0, 0.8],
      [1, 0, 0.6],
      [4, 1, 0.3],
      [5, 1, 0.1],
      [6, 1, -0.05],
    ]);
    expect(bars[2]?.color).toBe(clusterColor(1));
  });

  it("thins a long cluster to a bounded number of bars, keeping both ends", () => {
    const values = Array.from({ length: 200 }, (_, i) => 1 - i / 200);
    const bars = silhouetteBars([{ id: 0, mean: 0.5, values }]);
    expect(bars).toHaveLength(SILHOUETTE_BARS_PER_CLUSTER);
    expect(bars[0]?.value).toBe(1);
    expect(bars.at(-1)?.value).toBe(values.at(-1));
  });

  it("weighs the clusters' means by their sizes for the overall mean", () => {
    const clusters = [
      { id: 0, mean: 0.8, values: [] },
      { id: 1, mean: 0.2, values: [] },
    ];
    expect(overallSilhouette(clusters, new Map([[0, 30], [1, 10]]))).toBeCloseTo(0.65);
    expect(overallSilhouette(clusters, new Map())).toBeNull();
  });
});

describe("traits in words", () => {
  const numeric = { column: "petal_length", cluster_mean: 5.55, overall_mean: 3.758, smd: 1.02 };
  const lower = { column: "sepal_width", cluster_mean: 2.7, overall_mean: 3.05, smd: -0.81 };
  const category = { column: "island", value: "Biscoe", cluster_share: 0.98, overall_share: 0.49, lift: 2.0 };

  it("says how far a numeric column's mean is from the overall one, and which way", () => {
    expect(numericTraitText(numeric)).toBe("petal_length: 5.55 on average, against 3.76 overall (1.02 SD higher)");
    expect(numericTraitText(lower)).toBe("sepal_width: 2.7 on average, against 3.05 overall (0.81 SD lower)");
  });

  it("says how over-represented a value is", () => {
    expect(categoryTraitText(category)).toBe("island = Biscoe: 98% of the cluster, against 49% overall (2×)");
  });

  it("interleaves numeric and categorical traits, strongest first, up to a limit", () => {
    const traits = topTraits({ numeric: [numeric, lower], categorical: [category] }, 3);
    expect(traits).toEqual([numericTraitText(numeric), categoryTraitText(category), numericTraitText(lower)]);
    expect(topTraits({ numeric: [], categorical: [] })).toEqual([]);
  });
});

describe("agreement and stability", () => {
  it("names the agreement scores in a fixed order, keeping unknown ones", () => {
    expect(agreementScores({ adjusted_mutual_info: 0.75, v_measure: 0.7, adjusted_rand: 0.73 })).toEqual([
      { label: "Adjusted Rand index", value: 0.73 },
      { label: "Adjusted mutual information", value: 0.75 },
      { label: "v_measure", value: 0.7 },
    ]);
    expect(agreementScores(null)).toEqual([]);
  });

  it("puts the stability into words", () => {
    expect(stabilityText(0.95, 10)).toEqual({
      headline: "0.95 · very stable",
      detail: "agreement with 10 refits on resampled rows (1: the same groups every time)",
    });
    expect(stabilityText(0.3, 1)).toEqual({ headline: "0.3 · unstable", detail: "agreement with 1 refit on resampled rows (1: the same groups every time)" });
    expect(stabilityText(0.6, null).headline).toBe("0.6 · somewhat stable");
    expect(stabilityText(null, 0).headline).toBe("Not measured");
  });
});
