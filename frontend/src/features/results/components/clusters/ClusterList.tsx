import type { ClusteringEntry } from "../../../../api/types";
import { EmptyState } from "../../../../components/States";
import { sharePercent } from "../../../../lib/clusterTrials";
import { clusterColor } from "../../clusters";

/** The card's clusters, largest first, with their shares: the overview's short answer; the Clusters tab has the rest. */
export function ClusterList({ clusters }: { clusters: ClusteringEntry["clusters"] }) {
  const list = [...(clusters ?? [])].sort((a, b) => a.id - b.id);
  if (list.length === 0) return <EmptyState title="The model card lists no clusters" />;
  return (
    <>
      <ul className="space-y-2 text-sm">
        {list.map((cluster) => (
          <li key={cluster.id} className="grid grid-cols-[auto_1fr_auto] items-center gap-3">
            <span className="size-3 rounded-full" style={{ background: clusterColor(cluster.id) }} aria-hidden />
            <span className="min-w-0 break-words">{cluster.name}</span>
            <span className="text-xs text-muted tabular-nums">
              {cluster.size.toLocaleString()} rows · {sharePercent(cluster.share)}
            </span>
          </li>
        ))}
      </ul>
      <p className="mt-3 text-xs text-muted">Each name says what sets the cluster apart; the Clusters tab shows why, and where the rows lie.</p>
    </>
  );
}
