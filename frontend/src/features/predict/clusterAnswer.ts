// A clustering model's answer for one row, from the predict response (`clusters`, `cluster_names`, and for mixtures
// `probabilities` keyed by cluster id) and the card's cluster names. Pure.
import type { Prediction } from "../../api/types";

export interface ClusterAnswer {
  /** Null when the answer holds no cluster (it always should for a clustering model). */
  id: number | null;
  name: string;
  /** Membership probability per cluster name ("name (id)" when two clusters share a name); null when not given. */
  probabilities: Record<string, number> | null;
}

/** The card's cluster names by id (an older card without them gives an empty map). */
export function clusterNames(clusters: readonly { id: number; name: string }[] | null | undefined): Map<number, string> {
  return new Map((clusters ?? []).map((cluster) => [cluster.id, cluster.name]));
}

export function clusterAnswer(result: Pick<Prediction, "clusters" | "cluster_names" | "predictions" | "probabilities">, names: ReadonlyMap<number, string>): ClusterAnswer {
  const raw = result.clusters?.[0] ?? result.predictions[0];
  const id = typeof raw === "number" ? raw : raw !== null && raw !== undefined && raw !== "" && Number.isFinite(Number(raw)) ? Number(raw) : null;
  const name = result.cluster_names?.[0] ?? (id === null ? "—" : (names.get(id) ?? `Cluster ${id}`));
  const row = result.probabilities?.[0];
  if (!row) return { id, name, probabilities: null };
  const labelled: Record<string, number> = {};
  for (const [key, p] of Object.entries(row)) {
    const cluster = Number(key);
    const label = Number.isInteger(cluster) && names.has(cluster) ? (names.get(cluster) as string) : `Cluster ${key}`;
    labelled[label in labelled ? `${label} (${key})` : label] = p;
  }
  return { id, name, probabilities: labelled };
}
