import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ElbowPoint } from "../../../../api/types";
import { useLabels } from "../../../../api/hooks/catalogue";
import { axisProps, tooltipStyle } from "../../../../components/chartStyle";
import { EmptyState } from "../../../../components/States";
import { formatNumber } from "../../../../lib/format";
import { type ElbowChartPoint, elbowPoints } from "../../clusters";

/** The delivered model's number of clusters: a larger dot in the accent colour. */
function ElbowDot({ cx, cy, payload }: { cx?: number; cy?: number; payload?: ElbowChartPoint }) {
  if (cx === undefined || cy === undefined || !payload) return null;
  const chosen = payload.chosen;
  return <circle cx={cx} cy={cy} r={chosen ? 6 : 3.5} fill={chosen ? "var(--accent)" : "var(--muted)"} stroke="none" />;
}

interface ElbowChartProps {
  elbow: ElbowPoint[];
  metric: string;
  greaterIsBetter: boolean | undefined;
  chosen: number;
}

/** The best score the search reached for each number of clusters: where it stops improving much is the "elbow". */
export function ElbowChart({ elbow, metric, greaterIsBetter, chosen }: ElbowChartProps) {
  const labels = useLabels();
  const points = elbowPoints(elbow, chosen);
  const metricLabel = labels.metric(metric);
  if (points.length === 0) return <EmptyState title="No scores per number of clusters">No trial finished with a score.</EmptyState>;
  return (
    <figure className="space-y-2">
      <div className="h-64 w-full" role="img" aria-label={`Best ${metricLabel} for each number of clusters`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 20, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              dataKey="n"
              type="number"
              {...axisProps}
              allowDecimals={false}
              domain={["dataMin", "dataMax"]}
              label={{ value: "Number of clusters", position: "insideBottom", offset: -12, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis type="number" {...axisProps} width={56} domain={["auto", "auto"]} tickFormatter={(value: number) => formatNumber(value, 3)} />
            <Tooltip
              {...tooltipStyle}
              labelFormatter={(value) => `${String(value)} clusters`}
              formatter={(value, _name, item) => {
                const point = item.payload as ElbowChartPoint;
                return [`${formatNumber(Number(value))} (${labels.algorithm(point.algorithm)}, trial ${point.trial})`, metricLabel];
              }}
            />
            <Line type="linear" dataKey="score" stroke="var(--muted)" strokeWidth={2} dot={<ElbowDot />} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        The best {metricLabel} reached for each number of clusters
        {greaterIsBetter === undefined ? "" : ` (${greaterIsBetter ? "higher" : "lower"} is better)`}; the large dot is the delivered
        model&apos;s {chosen}.
      </figcaption>
    </figure>
  );
}
