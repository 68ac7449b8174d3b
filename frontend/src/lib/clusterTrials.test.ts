import { describe, expect, it } from "vitest";
import { makeTrial } from "../test/factories";
import { clusteringCaption, clustersTitle, sharePercent, trialClusters } from "./clusterTrials";

describe("trialClusters", () => {
  it("reads the clusters a trial found from its metrics and sizes", () => {
    const trial = makeTrial({
      other_metrics: { silhouette: 0.55, n_clusters: 3, noise_fraction: 0.04, degenerate: 0 },
      cluster_sizes: [50, 48, 2],
    });
    expect(trialClusters(trial)).toEqual({ n: 3, sizes: [50, 48, 2], noise: 0.04, degenerate: false });
  });

  it("falls back on the sizes for the count, and has nothing for a running trial", () => {
    expect(trialClusters(makeTrial({ other_metrics: {}, cluster_sizes: [7, 3] })).n).toBe(2);
    expect(trialClusters(makeTrial({ status: "running", other_metrics: {}, cluster_sizes: [] }))).toEqual({
      n: null,
      sizes: [],
      noise: null,
      degenerate: false,
    });
  });

  it("flags a penalised result", () => {
    expect(trialClusters(makeTrial({ other_metrics: { n_clusters: 1, degenerate: 1 }, cluster_sizes: [150] })).degenerate).toBe(true);
  });
});

describe("clustersTitle", () => {
  it("lists the sizes, the noise and the penalty in words", () => {
    expect(clustersTitle({ n: 3, sizes: [1500, 48, 2], noise: 0.04, degenerate: false })).toBe(
      `3 clusters of ${(1500).toLocaleString()}, 48 and 2 rows; 4% of rows left out as noise`,
    );
    expect(clustersTitle({ n: 1, sizes: [150], noise: 0, degenerate: true })).toBe(
      "1 cluster of 150 rows; penalised: one cluster, a giant cluster or too much noise",
    );
  });

  it("shortens a long list of sizes", () => {
    const sizes = Array.from({ length: 12 }, (_, i) => 100 - i);
    expect(clustersTitle({ n: 12, sizes, noise: null, degenerate: false })).toBe("12 clusters of 100, 99, 98, 97, 96, 95, 94, 93 and 4 more rows");
  });

  it("is empty without clusters", () => {
    expect(clustersTitle({ n: null, sizes: [], noise: null, degenerate: false })).toBe("");
  });
});

describe("sharePercent", () => {
  it("rounds to a whole percent and keeps a tiny share visible", () => {
    expect(sharePercent(0.333)).toBe("33%");
    expect(sharePercent(0.001)).toBe("<1%");
    expect(sharePercent(0)).toBe("0%");
  });
});

describe("clusteringCaption", () => {
  it("says which way is better and that there are no folds", () => {
    expect(clusteringCaption("Davies-Bouldin index", false)).toMatch(/^Lower Davies-Bouldin index is better\. Each trial groups every row once \(no folds\)/);
  });
});
