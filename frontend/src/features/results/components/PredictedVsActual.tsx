import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { scatterData } from "../evaluation";
import { axisProps, tooltipStyle } from "../../../components/chartStyle";

/** Each dot is a row; on the dashed line (y = x) the prediction equals the real value. */
export function PredictedVsActual({ points, target }: { points: { actual: number; predicted: number }[]; target: string }) {
  const data = scatterData(points);
  if (data.points.length === 0) return <EmptyState title="No predictions to plot" />;
  const domain: [number, number] = [data.min, data.max];
  const tick = (value: number) => formatNumber(value, 3);
  return (
    <figure className="space-y-2">
      <div className="h-80 w-full" role="img" aria-label={`Predicted against actual ${target}`}>
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="actual"
              name="Actual"
              domain={domain}
              {...axisProps}
              tickFormatter={tick}
              label={{ value: `Actual ${target}`, position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis
              type="number"
              dataKey="predicted"
              name="Predicted"
              domain={domain}
              {...axisProps}
              width={80}
              tickFormatter={tick}
              label={{ value: "Predicted", angle: -90, position: "insideLeft", offset: 0, fill: "var(--muted)", fontSize: 12 }}
            />
            <ReferenceLine
              segment={[
                { x: data.min, y: data.min },
                { x: data.max, y: data.max },
              ]}
              stroke="var(--muted)"
              strokeDasharray="4 4"
              ifOverflow="hidden"
            />
            <Tooltip {...tooltipStyle} cursor={{ strokeDasharray: "3 3" }} formatter={(value) => formatNumber(Number(value))} />
            <Scatter data={data.points} fill="var(--accent)" fillOpacity={0.55} isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Dots close to the dashed line are good predictions; dots above it were over-estimated, below it under-estimated.
        {data.sampled && ` Showing an even sample of ${data.points.length.toLocaleString()} of ${points.length.toLocaleString()} rows.`}
      </figcaption>
    </figure>
  );
}
