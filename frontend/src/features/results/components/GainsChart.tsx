import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { type GainsPoint, gainsMarker, gainsRows, type ThresholdPoint } from "../threshold";
import { axisProps, seriesColour, tooltipStyle } from "../../../components/chartStyle";

const TICKS = [0, 25, 50, 75, 100];

/** Cumulative gains: taking rows most-likely-first, the share of all positives found; the dot is the threshold. */
export function GainsChart({ gains, point, positiveLabel }: { gains: readonly GainsPoint[]; point: ThresholdPoint | null; positiveLabel: string }) {
  const rows = gainsRows(gains);
  if (rows.length < 2) return <EmptyState title="No gains curve for this model" />;
  const marker = point ? gainsMarker(point) : null;
  const summary = marker
    ? `At this threshold the model flags ${Math.round(marker.pct)}% of rows and catches ${Math.round(marker.model)}% of the ${positiveLabel} rows` +
      (marker.lift === null ? "." : `: ${formatNumber(marker.lift, 2)} times what picking rows at random would catch.`)
    : "";
  return (
    <figure className="space-y-2">
      <div className="h-72 w-full" role="img" aria-label={`Cumulative gains chart. ${summary}`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis
              type="number"
              dataKey="pct"
              domain={[0, 100]}
              ticks={TICKS}
              unit="%"
              {...axisProps}
              label={{ value: "Rows flagged, most likely first", position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis
              type="number"
              domain={[0, 100]}
              ticks={TICKS}
              unit="%"
              {...axisProps}
              width={64}
              label={{ value: `${positiveLabel} rows caught`, angle: -90, position: "insideLeft", offset: 4, fill: "var(--muted)", fontSize: 12 }}
            />
            <Tooltip
              {...tooltipStyle}
              labelFormatter={(pct) => `${formatNumber(Number(pct), 3)}% of rows`}
              formatter={(value, name, item) => {
                const lift = (item.payload as { lift: number | null }).lift;
                const text = `${formatNumber(Number(value), 3)}% caught`;
                return [name === "Model" && lift !== null ? `${text} (lift ${formatNumber(lift, 2)})` : text, name];
              }}
            />
            <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 12 }} />
            <Line dataKey="model" name="Model" type="linear" stroke={seriesColour(0)} strokeWidth={2} dot={false} isAnimationActive={false} />
            <Line
              dataKey="random"
              name="Random order"
              type="linear"
              stroke="var(--muted)"
              strokeDasharray="4 4"
              strokeWidth={1.5}
              dot={false}
              isAnimationActive={false}
            />
            {marker && <ReferenceDot x={marker.pct} y={marker.model} r={6} fill={seriesColour(2)} stroke="var(--fg)" ifOverflow="visible" />}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted" data-testid="gains-summary">
        {summary} Lift is the share caught divided by the share flagged: how much better than random the ranking is.
      </figcaption>
    </figure>
  );
}
