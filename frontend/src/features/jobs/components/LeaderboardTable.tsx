import { Trophy } from "lucide-react";
import type { Leaderboard } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { formatNumber, formatSeconds } from "../../../lib/format";
import { ScrollRegion } from "../../../components/ScrollRegion";

export function LeaderboardTable({ board, limit }: { board: Leaderboard; limit?: number }) {
  const items = limit ? board.items.slice(0, limit) : board.items;
  if (items.length === 0) {
    return (
      <EmptyState title="No finished trials yet" icon={<Trophy className="size-8" aria-hidden />}>
        Trials appear here as soon as they complete.
      </EmptyState>
    );
  }
  return (
    <ScrollRegion label="Leaderboard" className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted uppercase">
          <tr>
            <th className="py-2 pr-3 font-medium">#</th>
            <th className="py-2 pr-3 font-medium">Algorithm</th>
            <th className="py-2 pr-3 text-right font-medium">{board.metric}</th>
            <th className="py-2 pr-3 text-right font-medium">± std</th>
            <th className="py-2 pr-3 text-right font-medium">Fit time</th>
            <th className="py-2 pr-3 font-medium">Worker</th>
            <th className="py-2 text-right font-medium">Trial</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line tabular-nums">
          {items.map((trial, index) => (
            <tr key={trial.trial_number} className={index === 0 ? "bg-accent/5" : undefined}>
              <td className="py-2 pr-3 text-muted">{trial.rank ?? index + 1}</td>
              <td className="py-2 pr-3 font-medium">{trial.algorithm}</td>
              <td className="py-2 pr-3 text-right">{formatNumber(trial.score)}</td>
              <td className="py-2 pr-3 text-right text-muted">{formatNumber(trial.score_std)}</td>
              <td className="py-2 pr-3 text-right">{formatSeconds(trial.fit_time)}</td>
              <td className="max-w-40 truncate py-2 pr-3 text-muted">{trial.worker}</td>
              <td className="py-2 text-right text-muted">{trial.trial_number}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-muted">
        {board.greater_is_better ? "Higher" : "Lower"} {board.metric} is better. Scores are cross-validated means.
      </p>
    </ScrollRegion>
  );
}
