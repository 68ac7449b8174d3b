import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "../../../components/States";
import { formatDuration, formatNumber } from "../../../lib/format";
import { useLabels } from "../../../api/hooks/catalogue";
import { scoreDomain } from "../chart";
import { curveChartPoints } from "../curve";
import type { Curve } from "../../../api/hooks/jobs";

interface BestCurveChartProps {
  curve: Curve;
  /** Seconds since the job started, while it runs: the line is carried on to now. */
  nowSeconds: number | null;
}

/** The best score found so far against time since the job started: how fast the search improves. */
export function BestCurveChart({ curve, nowSeconds }: BestCurveChartProps) {
  const labels = useLabels();
  const points = curveChartPoints(curve, nowSeconds);
  const metric = labels.metric(curve.metric);
  // A trial's algorithm by its label; the delivered ensemble's point already says "ensemble of 3".
  const who = (algorithm: string, trial: number | null) => (trial === null ? algorithm : `${labels.algorithm(algorithm)}, trial ${String(trial)}`);
  if (points.length === 0) {
    return (
      <EmptyState title="No score yet">The curve starts when the first model finishes with a score.</EmptyState>
    );
  }
  const last = curve.points.at(-1);
  const domain = scoreDomain(
    points.map((point) => point.best),
    labels.bounds(curve.metric),
  );
  return (
    <figure className="space-y-2">
      <div className="h-64 w-full" role="img" aria-label={`Best ${metric} over time`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              dataKey="seconds"
              type="number"
              domain={[0, "dataMax"]}
              stroke="var(--muted)"
              fontSize={12}
              tickLine={false}
              tickFormatter={(value: number) => formatDuration(value)}
            />
            <YAxis
              stroke="var(--muted)"
              fontSize={12}
              tickLine={false}
              domain={domain}
              allowDataOverflow
              width={56}
              tickFormatter={(value: number) => formatNumber(value, 3)}
            />
            <Tooltip
              contentStyle={{ background: "var(--raised)", border: "1px solid var(--line)", borderRadius: 8 }}
              labelStyle={{ color: "var(--muted)" }}
              labelFormatter={(value) => `after ${formatDuration(Number(value))}`}
              formatter={(value, _name, item) => {
                const point = item.payload as (typeof points)[number];
                const by = point.algorithm ? ` (${who(point.algorithm, point.trial)})` : "";
                return [`${formatNumber(Number(value))}${by}`, `best ${metric}`];
              }}
            />
            <Line
              type="stepAfter"
              dataKey="best"
              stroke="var(--accent)"
              strokeWidth={2}
              dot={{ r: 3, fill: "var(--accent)", stroke: "none" }}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      {last && (
        <figcaption className="text-xs text-muted">
          Improved {curve.points.length} time{curve.points.length === 1 ? "" : "s"}; the latest best,{" "}
          {formatNumber(last.best_score)} by {last.kind === "ensemble" ? `the delivered ${last.algorithm}` : labels.algorithm(last.algorithm)}, came
          after {formatDuration(last.seconds)}.
        </figcaption>
      )}
    </figure>
  );
}
