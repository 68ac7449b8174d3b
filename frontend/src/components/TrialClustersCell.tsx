import { TriangleAlert } from "lucide-react";
import type { Trial } from "../api/types";
import { clustersTitle, sharePercent, trialClusters } from "../lib/clusterTrials";

/** A clustering trial's number of clusters (and its noise share) in a table cell; the sizes in its tooltip. */
export function TrialClustersCell({ trial }: { trial: Pick<Trial, "other_metrics" | "cluster_sizes"> }) {
  const found = trialClusters(trial);
  if (found.n === null) return <span className="text-muted">—</span>;
  const title = clustersTitle(found);
  return (
    <span className="inline-flex items-center justify-end gap-1 whitespace-nowrap" title={title}>
      {found.degenerate && <TriangleAlert className="size-3.5 text-warn" aria-label="Penalised result" />}
      <span>{found.n}</span>
      {found.noise !== null && found.noise > 0 && <span className="text-xs text-muted">· {sharePercent(found.noise)} noise</span>}
      <span className="sr-only">({title})</span>
    </span>
  );
}
