import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import type { Trial } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { useLabels } from "../../../api/hooks/catalogue";
import { type FailedMark, type TrialDot, scoreDomain, trialChartData } from "../chart";

interface TrialChartProps {
  trials: readonly Trial[];
  algorithms: readonly string[];
  metric: string;
}

/** A red cross for a failed trial, drawn at the bottom of the scores. */
function Cross({ cx, cy }: { cx?: number; cy?: number }) {
  if (cx === undefined || cy === undefined) return null;
  const d = 4;
  return (
    <path
      d={`M${cx - d},${cy - d}L${cx + d},${cy + d}M${cx - d},${cy + d}L${cx + d},${cy - d}`}
      stroke="var(--danger)"
      strokeWidth={2}
    />
  );
}

function tooltipText(payload: TrialDot | FailedMark, metric: string, algorithm: string): string {
  if ("status" in payload) return `${algorithm}: ${payload.status}${payload.error ? `: ${payload.error}` : ""}`;
  return `${algorithm}: ${metric} ${formatNumber(payload.score)}`;
}

/** Every finished trial's score by trial number, one colour per algorithm; failed trials as red crosses. */
export function TrialChart({ trials, algorithms, metric: metricName }: TrialChartProps) {
  const labels = useLabels();
  const metric = labels.metric(metricName);
  const { series, failed } = trialChartData(trials, algorithms);
  const domain = scoreDomain(
    series.flatMap((s) => s.points.map((point) => point.score)),
    labels.bounds(metricName),
  );
  if (series.length === 0 && failed.length === 0) {
    return (
      <EmptyState title="No finished trials yet">Each model tried becomes a dot here when it finishes.</EmptyState>
    );
  }
  return (
    <figure className="space-y-2">
      <div className="h-64 w-full" role="img" aria-label={`${metric} of each trial, coloured by algorithm`}>
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis dataKey="trial" type="number" name="trial" stroke="var(--muted)" fontSize={12} tickLine={false} />
            <YAxis
              dataKey="score"
              type="number"
              name={metric}
              stroke="var(--muted)"
              fontSize={12}
              tickLine={false}
              domain={domain}
              allowDataOverflow
              width={56}
              tickFormatter={(value: number) => formatNumber(value, 3)}
            />
            <Tooltip
              cursor={{ strokeDasharray: "3 3" }}
              contentStyle={{ background: "var(--raised)", border: "1px solid var(--line)", borderRadius: 8 }}
              content={({ active, payload }) => {
                const item = payload?.[0]?.payload as TrialDot | FailedMark | undefined;
                if (!active || !item) return null;
                return (
                  <div className="max-w-xs rounded-md border border-line bg-raised px-3 py-2 text-xs">
                    <p className="text-muted">Trial {item.trial}</p>
                    <p>{tooltipText(item, metric, labels.algorithm(item.algorithm))}</p>
                  </div>
                );
              }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => (
              <Scatter key={s.algorithm} name={labels.algorithm(s.algorithm)} data={s.points} fill={s.color} isAnimationActive={false} />
            ))}
            {failed.length > 0 && (
              <Scatter
                name="failed"
                data={failed}
                fill="var(--danger)"
                shape={Cross}
                legendType="cross"
                isAnimationActive={false}
              />
            )}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Each dot is one model tried, in the order they were started.
        {failed.length > 0 && ` Red crosses mark the ${failed.length} that failed or ran out of time.`}
      </figcaption>
    </figure>
  );
}
