import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { ClusterProjection } from "../../../../api/types";
import { axisProps, tooltipStyle } from "../../../../components/chartStyle";
import { EmptyState } from "../../../../components/States";
import { formatNumber } from "../../../../lib/format";
import { projectionAxisLabel, projectionSample, scatterSeries } from "../../clusters";

interface ClusterScatterProps {
  projection: ClusterProjection;
  name: (id: number) => string;
}

/** The rows on two axes (PCA, or UMAP where installed), one colour per cluster, noise in grey. */
export function ClusterScatter({ projection, name }: ClusterScatterProps) {
  const series = scatterSeries(projection.points ?? [], name);
  if (series.length === 0) return <EmptyState title="No rows to draw">The report holds no projected rows.</EmptyState>;
  const order = new Map(series.map((s, index) => [s.name, index]));
  const xLabel = projectionAxisLabel(projection, 0);
  const yLabel = projectionAxisLabel(projection, 1);
  return (
    <figure className="space-y-2">
      <div className="h-[22rem] w-full" role="img" aria-label={`The rows on two axes, coloured by cluster: ${series.map((s) => s.name).join(", ")}`}>
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 16, bottom: 20, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              name={xLabel}
              {...axisProps}
              domain={["auto", "auto"]}
              tickFormatter={(value: number) => formatNumber(value, 2)}
              label={{ value: xLabel, position: "insideBottom", offset: -12, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis
              dataKey="y"
              type="number"
              name={yLabel}
              {...axisProps}
              width={48}
              domain={["auto", "auto"]}
              tickFormatter={(value: number) => formatNumber(value, 2)}
            />
            {/* Small dots: up to 2,000 of them share the plot. */}
            <ZAxis range={[14, 14]} />
            <Tooltip {...tooltipStyle} cursor={{ strokeDasharray: "3 3" }} formatter={(value) => formatNumber(Number(value), 3)} />
            {/* The series' order (largest cluster first, noise last), not Recharts' default alphabetical one. */}
            <Legend wrapperStyle={{ fontSize: 12, paddingTop: 12 }} itemSorter={(item) => order.get(String(item.value)) ?? series.length} />
            {series.map((s) => (
              <Scatter
                key={s.id}
                name={s.name}
                data={s.points}
                fill={s.color}
                fillOpacity={s.id < 0 ? 0.45 : 0.8}
                isAnimationActive={false}
              />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Each dot is a row, {projectionSample(projection)}, placed by {projection.method === "umap" ? "UMAP" : "its first two principal components"}:
        rows close together are similar. {yLabel} is the vertical axis.
      </figcaption>
    </figure>
  );
}
