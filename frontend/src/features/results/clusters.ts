// The Clusters tab's data: the server's cluster report (GET /api/results/model/{id}/clusters) and the card's
// clustering part, shaped for the charts and put into words. Every number is the server's; this only arranges them.
// Pure.
import type {
  CategoryTrait,
  ClusterProfile,
  ClusterProjection,
  ElbowPoint,
  NumericTrait,
  ProjectionPoint,
  SilhouetteCluster,
} from "../../api/types";
import { formatNumber } from "../../lib/format";
import { CLUSTER_HUES, NOISE_HUE } from "../../lib/palette";
import { sharePercent } from "../../lib/clusterTrials";

/** The cluster id of rows the algorithm left out (DBSCAN's and HDBSCAN's noise). */
export const NOISE = -1;
export const NOISE_NAME = "Noise (no cluster)";

/** A cluster's colour: fixed by its id (ids are size order, so the largest is always the first hue); noise grey. */
export function clusterColor(id: number): string {
  if (id < 0) return NOISE_HUE;
  return CLUSTER_HUES[id % CLUSTER_HUES.length] ?? NOISE_HUE;
}

/** Cluster id to name, from the profiles; an id without a profile is "Cluster <id>" (noise has its own name). */
export function clusterNamer(profiles: readonly Pick<ClusterProfile, "id" | "name">[]): (id: number) => string {
  const names = new Map(profiles.map((profile) => [profile.id, profile.name]));
  return (id) => (id < 0 ? NOISE_NAME : (names.get(id) ?? `Cluster ${id}`));
}

export interface ScatterSeries {
  id: number;
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

/** One series per cluster, in id order (the largest first), noise last: the scatter's legend reads like the profiles. */
export function scatterSeries(points: readonly ProjectionPoint[], name: (id: number) => string): ScatterSeries[] {
  const byCluster = new Map<number, { x: number; y: number }[]>();
  for (const point of points) {
    const list = byCluster.get(point.cluster) ?? [];
    list.push({ x: point.x, y: point.y });
    byCluster.set(point.cluster, list);
  }
  const ids = [...byCluster.keys()].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
  return ids.map((id) => ({ id, name: name(id), color: clusterColor(id), points: byCluster.get(id) ?? [] }));
}

/** An axis of the projection: "Component 1 (42% of the variance)" for PCA, "UMAP 1" otherwise. */
export function projectionAxisLabel(projection: Pick<ClusterProjection, "method" | "explained_variance">, axis: 0 | 1): string {
  if (projection.method === "umap") return `UMAP ${axis + 1}`;
  const share = projection.explained_variance?.[axis];
  return share === undefined ? `Component ${axis + 1}` : `Component ${axis + 1} (${sharePercent(share)} of the variance)`;
}

/** The caption's count: "all 150 rows" or "1,500 of 100,000 rows (a fixed sample)". */
export function projectionSample(projection: Pick<ClusterProjection, "points" | "n_total">): string {
  const shown = (projection.points ?? []).length;
  if (shown >= projection.n_total) return `all ${projection.n_total.toLocaleString()} rows`;
  return `${shown.toLocaleString()} of ${projection.n_total.toLocaleString()} rows (a fixed sample)`;
}

export interface ElbowChartPoint {
  n: number;
  score: number;
  algorithm: string;
  trial: number;
  /** The number of clusters the delivered model has. */
  chosen: boolean;
}

/** The elbow in order of the number of clusters (one point each: the server keeps each count's best trial). */
export function elbowPoints(elbow: readonly ElbowPoint[], chosen: number): ElbowChartPoint[] {
  return [...elbow]
    .sort((a, b) => a.n_clusters - b.n_clusters)
    .map((point) => ({
      n: point.n_clusters,
      score: point.score,
      algorithm: point.algorithm,
      trial: point.trial_number,
      chosen: point.n_clusters === chosen,
    }));
}

export interface SilhouetteBar {
  /** Position along the chart: the clusters one after another, a gap between them. */
  slot: number;
  value: number;
  cluster: number;
  color: string;
}

/** At most this many bars per cluster: enough for the shape, few enough to draw at once. */
export const SILHOUETTE_BARS_PER_CLUSTER = 60;

/** Evenly spaced picks of an already sorted list, its first and last kept, so the shape stays. */
function thin(values: readonly number[], most: number): number[] {
  if (values.length <= most) return [...values];
  const step = (values.length - 1) / (most - 1);
  return Array.from({ length: most }, (_, i) => values[Math.round(i * step)] as number);
}

/** The silhouette plot's bars: each cluster's values largest first (as the server sorts them), clusters in id
 *  order, a gap of `gap` slots between them. */
export function silhouetteBars(clusters: readonly SilhouetteCluster[], gap = 3): SilhouetteBar[] {
  const bars: SilhouetteBar[] = [];
  let slot = 0;
  for (const cluster of [...clusters].sort((a, b) => a.id - b.id)) {
    const values = thin([...(cluster.values ?? [])].sort((a, b) => b - a), SILHOUETTE_BARS_PER_CLUSTER);
    for (const value of values) bars.push({ slot: slot++, value, cluster: cluster.id, color: clusterColor(cluster.id) });
    slot += gap;
  }
  return bars;
}

/** The mean silhouette over every row: the clusters' means weighted by their sizes (the profiles'). */
export function overallSilhouette(clusters: readonly SilhouetteCluster[], sizes: ReadonlyMap<number, number>): number | null {
  let total = 0;
  let weight = 0;
  for (const cluster of clusters) {
    const size = sizes.get(cluster.id) ?? 0;
    total += cluster.mean * size;
    weight += size;
  }
  return weight > 0 ? total / weight : null;
}

/** "income: 72,300 on average, against 51,000 overall (1.2 SD higher)". */
export function numericTraitText(trait: NumericTrait): string {
  const direction = trait.smd >= 0 ? "higher" : "lower";
  return (
    `${trait.column}: ${formatNumber(trait.cluster_mean, 2)} on average, against ${formatNumber(trait.overall_mean, 2)} overall ` +
    `(${formatNumber(Math.abs(trait.smd), 2)} SD ${direction})`
  );
}

/** "city = Paris: 62% of the cluster, against 20% overall (3.1×)". */
export function categoryTraitText(trait: CategoryTrait): string {
  return (
    `${trait.column} = ${trait.value}: ${sharePercent(trait.cluster_share)} of the cluster, against ` +
    `${sharePercent(trait.overall_share)} overall (${formatNumber(trait.lift, 2)}×)`
  );
}

/** What sets a cluster apart, strongest first: numeric traits by |SMD| and over-represented values interleaved. */
export function topTraits(profile: Pick<ClusterProfile, "numeric" | "categorical">, most = 4): string[] {
  const numeric = (profile.numeric ?? []).map(numericTraitText);
  const categorical = (profile.categorical ?? []).map(categoryTraitText);
  const traits: string[] = [];
  for (let i = 0; traits.length < most && (i < numeric.length || i < categorical.length); i += 1) {
    if (i < numeric.length) traits.push(numeric[i] as string);
    if (i < categorical.length && traits.length < most) traits.push(categorical[i] as string);
  }
  return traits;
}

const AGREEMENT_NAMES: Record<string, string> = {
  adjusted_rand: "Adjusted Rand index",
  adjusted_mutual_info: "Adjusted mutual information",
};

/** The reference agreement's scores with their names (unknown keys kept as they are), in a fixed order. */
export function agreementScores(agreement: Record<string, number> | null | undefined): { label: string; value: number }[] {
  if (!agreement) return [];
  const known = Object.keys(AGREEMENT_NAMES);
  const keys = Object.keys(agreement).sort((a, b) => {
    const rank = (key: string) => (known.includes(key) ? known.indexOf(key) : known.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  return keys.map((key) => ({ label: AGREEMENT_NAMES[key] ?? key, value: agreement[key] as number }));
}

export interface StabilityWords {
  /** "0.92 · very stable", or "Not measured". */
  headline: string;
  /** What the number is, for the line under it. */
  detail: string;
}

/** The bootstrap stability in words: the number is the mean adjusted Rand index between refits on resamples. */
export function stabilityText(stability: number | null | undefined, resamples: number | null | undefined): StabilityWords {
  if (stability === null || stability === undefined) {
    return { headline: "Not measured", detail: "the time budget ran out before the refits on resampled rows" };
  }
  const verdict = stability >= 0.9 ? "very stable" : stability >= 0.75 ? "stable" : stability >= 0.5 ? "somewhat stable" : "unstable";
  const over = resamples ? `${resamples} refit${resamples === 1 ? "" : "s"}` : "refits";
  return {
    headline: `${formatNumber(stability, 2)} · ${verdict}`,
    detail: `agreement with ${over} on resampled rows (1: the same groups every time)`,
  };
}

/** How new rows get a cluster (the card's `assigner`): in short, and why. */
export const ASSIGNER_TEXT: Record<string, { short: string; detail: string }> = {
  native: { short: "The algorithm itself", detail: "its own prediction for new rows" },
  nearest_centroid: { short: "Nearest cluster centre", detail: "the algorithm cannot place new rows itself" },
  knn: { short: "Nearest training rows", detail: "their clusters decide; the algorithm cannot place new rows itself" },
};
