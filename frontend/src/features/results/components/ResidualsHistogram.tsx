import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { type ResidualBin, residualBars } from "../evaluation";
import { axisProps, tooltipStyle } from "../../../components/chartStyle";

/** How big the prediction errors are: a tall narrow peak around 0 is what a good model shows. */
export function ResidualsHistogram({ bins }: { bins: ResidualBin[] }) {
  const bars = residualBars(bins);
  if (bars.length === 0) return <EmptyState title="No residuals to plot" />;
  return (
    <figure className="space-y-2">
      <div className="h-80 w-full" role="img" aria-label="Histogram of residuals">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars} margin={{ top: 8, right: 16, bottom: 16, left: 0 }} barCategoryGap={1}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="mid"
              {...axisProps}
              tickFormatter={(value: number) => formatNumber(value, 2)}
              label={{ value: "Residual (actual − predicted)", position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }}
            />
            <YAxis {...axisProps} width={48} allowDecimals={false} />
            <Tooltip
              {...tooltipStyle}
              cursor={{ fill: "var(--raised)" }}
              labelFormatter={(_label, payload) => {
                const bar = payload[0]?.payload as { range?: string } | undefined;
                return bar?.range ? `Residual ${bar.range}` : "";
              }}
              formatter={(value) => [`${formatNumber(Number(value))} rows`, "Count"]}
            />
            <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-muted">
        Residual = real value minus prediction. Bars left of 0 are over-estimates, right of 0 under-estimates.
      </figcaption>
    </figure>
  );
}
