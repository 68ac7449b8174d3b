import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Trial } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { useLabels } from "../../../api/hooks/catalogue";
import { bestPerAlgorithm, scoreAxisDomain } from "../../../lib/leaderboard";
import { axisProps, tooltipStyle } from "../../../components/chartStyle";

interface AlgorithmChartProps {
  trials: readonly Trial[];
  metric: string;
  greaterIsBetter: boolean;
}

/** The best cross-validated score each algorithm reached, best first: which families suit this data. */
export function AlgorithmChart({ trials, metric, greaterIsBetter }: AlgorithmChartProps) {
  const labels = useLabels();
  const bars = bestPerAlgorithm(trials, greaterIsBetter).map((bar) => ({ ...bar, label: labels.algorithm(bar.algorithm) }));
  const metricLabel = labels.metric(metric);
  if (bars.length === 0) return <EmptyState title="No algorithm finished a trial with a score" />;
  const height = Math.max(160, bars.length * 36 + 40);
  const domain = scoreAxisDomain(bars.map((bar) => bar.best));
  return (
    <figure className="space-y-2">
      <div style={{ height }} className="w-full" role="img" aria-label={`Best ${metricLabel} per algorithm`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={domain} allowDataOverflow {...axisProps} tickFormatter={(value: number) => formatNumber(value, 3)} />
            <YAxis type="category" dataKey="label" {...axisProps} width={170} />
            <Tooltip
              {...tooltipStyle}
              cursor={{ fill: "var(--raised)" }}
              formatter={(value, _name, item) => [
                `${formatNumber(Number(value))} (best of ${(item.payload as { trials: number }).trials} trials)`,
                metricLabel,
              ]}
            />
            <Bar dataKey="best" radius={[0, 4, 4, 0]} isAnimationActive={false}>
              <LabelList dataKey="best" position="insideRight" fill="var(--fg)" fontSize={12} formatter={(value) => formatNumber(Number(value), 4)} />
              {bars.map((bar, index) => (
                <Cell key={bar.algorithm} fill={index === 0 ? "var(--accent)" : "var(--muted)"} fillOpacity={index === 0 ? 1 : 0.5} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Best {metricLabel} per algorithm ({greaterIsBetter ? "higher" : "lower"} is better); the top one is highlighted.
        {domain[0] !== 0 && ` The axis starts at ${formatNumber(domain[0], 3)}, not 0, so that small differences show.`}
      </figcaption>
    </figure>
  );
}
