import { LoaderCircle, Server, Trophy, XCircle } from "lucide-react";
import { useState } from "react";
import type { Trial } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import { formatNumber, formatSeconds } from "../../../lib/format";
import { type LeaderboardRow, leaderboardRows, topRows, workerLabel } from "../trials";

const TOP = 10;

interface LiveLeaderboardProps {
  trials: readonly Trial[];
  metric: string;
  greaterIsBetter: boolean;
}

function ScoreCell({ row }: { row: LeaderboardRow }) {
  if (row.state === "running") {
    return (
      <span className="inline-flex items-center gap-1 text-accent">
        <LoaderCircle className="size-3.5 animate-spin" aria-hidden /> running
      </span>
    );
  }
  if (row.state === "unsuccessful") {
    return (
      <span className="inline-flex items-center gap-1 text-danger" title={row.trial.error ?? undefined}>
        <XCircle className="size-3.5" aria-hidden /> {row.trial.status === "completed" ? "no score" : row.trial.status}
      </span>
    );
  }
  return <span className="font-medium">{formatNumber(row.trial.score)}</span>;
}

function Row({ row }: { row: LeaderboardRow }) {
  const { trial } = row;
  const best = row.rank === 1;
  const finished = row.state !== "running";
  return (
    <tr className={best ? "bg-accent/5" : row.state === "unsuccessful" ? "text-muted" : undefined}>
      <td className="py-2 pr-3 text-muted">
        {best ? <Trophy className="size-4 text-warn" aria-label="Best so far" /> : (row.rank ?? "")}
      </td>
      <td className="py-2 pr-3 font-medium">{trial.algorithm}</td>
      <td className="py-2 pr-3 text-right">
        <ScoreCell row={row} />
      </td>
      <td className="py-2 pr-3 text-right text-muted">{finished ? formatNumber(trial.score_std) : ""}</td>
      <td className="py-2 pr-3 text-right">{finished ? formatSeconds(trial.fit_time) : ""}</td>
      <td className="max-w-40 truncate py-2 pr-3 text-muted" title={trial.worker}>
        <span className="inline-flex items-center gap-1">
          <Server className="size-3.5 shrink-0" aria-hidden />
          {workerLabel(trial.worker)}
        </span>
      </td>
      <td className="py-2 text-right text-muted">{trial.trial_number}</td>
    </tr>
  );
}

/** Running trials on top, then the best scores; every trial (failed ones too) one click away. */
export function LiveLeaderboard({ trials, metric, greaterIsBetter }: LiveLeaderboardProps) {
  const [showAll, setShowAll] = useState(false);
  const rows = leaderboardRows(trials, greaterIsBetter);
  if (rows.length === 0) {
    return (
      <EmptyState title="No trials yet" icon={<Trophy className="size-8" aria-hidden />}>
        Each model tried appears here the moment it starts, and is ranked as soon as it finishes.
      </EmptyState>
    );
  }
  const shown = showAll ? rows : topRows(rows, TOP);
  const hidden = rows.length - shown.length;
  const unsuccessful = rows.filter((row) => row.state === "unsuccessful").length;
  return (
    <div className="space-y-2">
      <div className="max-h-[28rem] overflow-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">Trials ranked by {metric}, running trials first</caption>
          <thead className="sticky top-0 bg-surface text-left text-xs text-muted uppercase">
            <tr>
              <th className="py-2 pr-3 font-medium">Rank</th>
              <th className="py-2 pr-3 font-medium">Algorithm</th>
              <th className="py-2 pr-3 text-right font-medium">{metric}</th>
              <th className="py-2 pr-3 text-right font-medium">± std</th>
              <th className="py-2 pr-3 text-right font-medium">Fit time</th>
              <th className="py-2 pr-3 font-medium">Ran on</th>
              <th className="py-2 text-right font-medium">Trial</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">
            {shown.map((row) => (
              <Row key={row.trial.trial_number} row={row} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-muted">
        <p>
          {greaterIsBetter ? "Higher" : "Lower"} {metric} is better; scores are averaged over the cross-validation
          folds, ± how much they varied.
          {unsuccessful > 0 && ` ${unsuccessful} trial${unsuccessful === 1 ? "" : "s"} failed or ran out of time.`}
        </p>
        {(hidden > 0 || showAll) && (
          <Button variant="ghost" size="sm" onClick={() => setShowAll((value) => !value)} aria-expanded={showAll}>
            {showAll ? `Show the top ${TOP}` : `Show all ${rows.length} trials`}
          </Button>
        )}
      </div>
    </div>
  );
}
