import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { type RocCurve, rocSeries } from "../evaluation";
import { axisProps, seriesColour, tooltipStyle } from "../../../components/chartStyle";

/** One curve per class (one for a yes/no target); the dashed diagonal is what guessing at random would give. */
export function RocChart({ curves }: { curves: RocCurve[] }) {
  const series = rocSeries(curves);
  if (series.length === 0) return <EmptyState title="No ROC curve for this model" />;
  return (
    <figure className="space-y-2">
      <div className="h-80 w-full" role="img" aria-label={`ROC curves: ${series.map((s) => s.name).join(", ")}`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="fpr"
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              {...axisProps}
              label={{ value: "False positive rate", position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis
              type="number"
              dataKey="tpr"
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              {...axisProps}
              width={64}
              label={{ value: "True positive rate", angle: -90, position: "insideLeft", offset: 4, fill: "var(--muted)", fontSize: 12 }}
            />
            <ReferenceLine
              segment={[
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ]}
              stroke="var(--muted)"
              strokeDasharray="4 4"
              ifOverflow="visible"
            />
            <Tooltip
              {...tooltipStyle}
              labelFormatter={(fpr) => `False positive rate ${formatNumber(Number(fpr), 3)}`}
              formatter={(value, name) => [`true positive rate ${formatNumber(Number(value), 3)}`, name]}
            />
            <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
            {series.map((s, index) => (
              <Line
                key={s.label}
                data={s.points}
                dataKey="tpr"
                name={s.name}
                type="linear"
                stroke={seriesColour(index)}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        How many real positives the model catches (up) for each false alarm rate (right), over every threshold. AUC is the
        area under the curve: 1 is perfect, 0.5 is no better than chance.
      </figcaption>
    </figure>
  );
}
