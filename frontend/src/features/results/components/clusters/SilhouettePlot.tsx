import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from "recharts";
import type { SilhouetteCluster } from "../../../../api/types";
import { axisProps } from "../../../../components/chartStyle";
import { EmptyState } from "../../../../components/States";
import { formatNumber } from "../../../../lib/format";
import { clusterColor, overallSilhouette, silhouetteBars } from "../../clusters";

interface SilhouettePlotProps {
  clusters: SilhouetteCluster[];
  name: (id: number) => string;
  /** Rows per cluster (the profiles' sizes), to weigh the clusters' means into the overall one. */
  sizes: ReadonlyMap<number, number>;
}

/** Each row's silhouette (how much closer it is to its own cluster than to the next one), per cluster, largest
 *  first: a cluster whose bars drop below zero holds rows that sit nearer another cluster. */
export function SilhouettePlot({ clusters, name, sizes }: SilhouettePlotProps) {
  const bars = silhouetteBars(clusters);
  if (bars.length === 0) return <EmptyState title="No silhouettes">The silhouette needs at least two clusters.</EmptyState>;
  const overall = overallSilhouette(clusters, sizes);
  const lowest = Math.min(0, ...bars.map((bar) => bar.value));
  return (
    <figure className="space-y-2">
      <div className="h-64 w-full" role="img" aria-label="Silhouette of the rows of each cluster">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars} barCategoryGap={0} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="slot" type="category" hide />
            <YAxis
              type="number"
              {...axisProps}
              width={40}
              domain={[Math.floor(lowest * 10) / 10, 1]}
              tickFormatter={(value: number) => formatNumber(value, 1)}
            />
            <ReferenceLine y={0} stroke="var(--muted)" />
            {overall !== null && <ReferenceLine y={overall} stroke="var(--fg)" strokeDasharray="4 4" />}
            <Bar dataKey="value" isAnimationActive={false}>
              {bars.map((bar) => (
                <Cell key={bar.slot} fill={bar.color} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Mean silhouette per cluster">
        {[...clusters]
          .sort((a, b) => a.id - b.id)
          .map((cluster) => (
            <li key={cluster.id} className="inline-flex items-center gap-1.5">
              <span className="size-2.5 rounded-full" style={{ background: clusterColor(cluster.id) }} aria-hidden />
              {name(cluster.id)}: <span className="tabular-nums">{formatNumber(cluster.mean, 2)}</span>
            </li>
          ))}
      </ul>
      <figcaption className="text-xs text-muted">
        1 is a row deep inside its cluster, 0 one on the border, below 0 one closer to another cluster.
        {overall !== null && ` The dashed line is the mean over all rows, ${formatNumber(overall, 2)}.`}
      </figcaption>
    </figure>
  );
}
