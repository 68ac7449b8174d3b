import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Leaderboard } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { bestScoreSeries } from "../chart";

export function ScoreChart({ board }: { board: Leaderboard }) {
  const points = bestScoreSeries(board.items, board.greater_is_better);
  if (points.length === 0) return <EmptyState title="The chart starts with the first finished trial" />;
  return (
    <div className="h-64 w-full" aria-label={`Best ${board.metric} by trial`}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
          <XAxis dataKey="trial" stroke="var(--muted)" fontSize={12} tickLine={false} />
          <YAxis
            stroke="var(--muted)"
            fontSize={12}
            tickLine={false}
            domain={["auto", "auto"]}
            width={56}
            tickFormatter={(value: number) => formatNumber(value, 3)}
          />
          <Tooltip
            contentStyle={{ background: "var(--raised)", border: "1px solid var(--line)", borderRadius: 8 }}
            labelStyle={{ color: "var(--muted)" }}
            labelFormatter={(trial) => `Trial ${String(trial)}`}
            formatter={(value, name) => [formatNumber(Number(value)), name === "best" ? "best so far" : "this trial"]}
          />
          <Line dataKey="score" stroke="none" dot={{ r: 3, fill: "var(--muted)", stroke: "none" }} isAnimationActive={false} />
          <Line type="stepAfter" dataKey="best" stroke="var(--accent)" strokeWidth={2} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
