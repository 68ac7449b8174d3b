// What a clustering trial found, read from the trial as the API sends it (`cluster_sizes`, and `other_metrics`
// n_clusters, noise_fraction, degenerate and the validity scores): for the live leaderboard and the results' trials
// table. Pure.
import type { Trial } from "../api/types";

/** The validity scores every clustering trial reports besides the one it is ranked by (engine/clustering). */
export const VALIDITY_SCORES = ["silhouette", "calinski_harabasz", "davies_bouldin"] as const;

export interface TrialClusters {
  /** Null while the trial runs, or when it failed before clustering anything. */
  n: number | null;
  /** Rows per cluster, largest first, noise left out. */
  sizes: number[];
  /** Share of rows left out as noise (0 to 1); null when not reported. */
  noise: number | null;
  /** The search penalised the result (one cluster, one giant cluster, mostly noise). */
  degenerate: boolean;
}

function finite(value: number | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function trialClusters(trial: Pick<Trial, "other_metrics" | "cluster_sizes">): TrialClusters {
  const metrics = trial.other_metrics;
  const sizes = trial.cluster_sizes ?? [];
  const n = finite(metrics.n_clusters) ?? (sizes.length > 0 ? sizes.length : null);
  return { n, sizes, noise: finite(metrics.noise_fraction), degenerate: metrics.degenerate === 1 };
}

/** A share (0 to 1) as a whole percent, "<1%" for a small non-zero one. */
export function sharePercent(share: number): string {
  if (share > 0 && share < 0.005) return "<1%";
  return `${Math.round(share * 100)}%`;
}

/** The clusters in words for a cell's tooltip: "3 clusters of 50, 48 and 2 rows; 4% noise; penalised: …". */
export function clustersTitle(found: TrialClusters): string {
  if (found.n === null) return "";
  const parts = [`${found.n} cluster${found.n === 1 ? "" : "s"}`];
  if (found.sizes.length > 0) {
    const shown = found.sizes.slice(0, 8).map((size) => size.toLocaleString());
    const rest = found.sizes.length - shown.length;
    const list = rest > 0 ? `${shown.join(", ")} and ${rest} more` : shown.length > 1 ? `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}` : shown[0];
    parts[0] += ` of ${list} rows`;
  }
  if (found.noise !== null && found.noise > 0) parts.push(`${sharePercent(found.noise)} of rows left out as noise`);
  if (found.degenerate) parts.push("penalised: one cluster, a giant cluster or too much noise");
  return parts.join("; ");
}

/** The sentence under a clustering job's scores: no folds, and what the ranking score is. */
export function clusteringCaption(metricLabel: string, greaterIsBetter: boolean): string {
  return (
    `${greaterIsBetter ? "Higher" : "Lower"} ${metricLabel} is better. Each trial groups every row once (no folds); ` +
    "its score counts only the rows it put in a cluster, and a result with one cluster, one giant cluster or mostly noise is penalised."
  );
}
