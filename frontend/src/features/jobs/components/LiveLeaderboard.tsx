import { LoaderCircle, Server, Trophy, XCircle } from "lucide-react";
import { type ReactNode, useState } from "react";
import type { Trial } from "../../../api/types";
import { ScrollRegion } from "../../../components/ScrollRegion";
import { EmptyState } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import { formatNumber, formatSeconds } from "../../../lib/format";
import { AlgorithmName } from "../../../components/Names";
import { TrialClustersCell } from "../../../components/TrialClustersCell";
import { clusteringCaption } from "../../../lib/clusterTrials";
import { useLabels } from "../../../api/hooks/catalogue";
import {
  type Delivered,
  deliveredRowIndex,
  hasSpread,
  isDeliveredTrial,
  membersSummary,
  scoresCaption,
  trialsValidation,
} from "../../../lib/leaderboard";
import { type LeaderboardRow, leaderboardRows, topRows, workerLabel } from "../trials";

const TOP = 10;
// A fixed height for the board and its caption together, not a maximum: rows arriving (and the caption growing a
// line) scroll inside the board instead of pushing the charts and the log down while someone reads them.
const BOARD_HEIGHT = "h-[31rem]";

interface LiveLeaderboardProps {
  trials: readonly Trial[];
  metric: string;
  greaterIsBetter: boolean;
  /** The model the job delivered, once it has one: the trophy marks it (an ensemble gets a row of its own). */
  delivered?: Delivered | null;
  /** The API's words for the job's validation (JobPublic.validation_label). */
  validationLabel?: string;
  /** A cell of actions per trial (e.g. keep it as a model); the column appears only when given. */
  renderActions?: (trial: Trial) => ReactNode;
  /** A clustering job: its trials have no folds, so the spread column shows the clusters each trial found. */
  clustering?: boolean;
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

/** The trophy: the delivered model once the job has one; while it runs, the best trial so far. */
function RankCell({ row, delivered }: { row: LeaderboardRow; delivered: Delivered | null }) {
  const trophy = delivered ? isDeliveredTrial(row.trial, delivered) : row.rank === 1;
  if (trophy) return <Trophy className="size-4 text-warn" aria-label={delivered ? "Delivered model" : "Best so far"} />;
  const shift = delivered?.kind === "ensemble" && delivered.rank !== null && row.rank !== null && row.rank >= delivered.rank;
  return <>{row.rank === null ? "" : row.rank + (shift ? 1 : 0)}</>;
}

/** The column after the score: the folds' spread, or for clustering the clusters found. */
function SpreadCell({ row, clustering }: { row: LeaderboardRow; clustering: boolean }) {
  const { trial } = row;
  if (row.state === "running") return null;
  if (clustering) return <TrialClustersCell trial={trial} />;
  return <>{hasSpread(trial) ? formatNumber(trial.score_std) : "—"}</>;
}

interface RowProps {
  row: LeaderboardRow;
  delivered: Delivered | null;
  clustering: boolean;
  actions?: ReactNode;
}

function Row({ row, delivered, clustering, actions }: RowProps) {
  const { trial } = row;
  const highlight = delivered ? isDeliveredTrial(trial, delivered) : row.rank === 1;
  const finished = row.state !== "running";
  return (
    <tr className={highlight ? "bg-accent/5" : row.state === "unsuccessful" ? "text-muted" : undefined}>
      <td className="py-2 pr-3 text-muted">
        <RankCell row={row} delivered={delivered} />
      </td>
      <td className="py-2 pr-3 font-medium">
        <AlgorithmName name={trial.algorithm} />
      </td>
      <td className="py-2 pr-3 text-right">
        <ScoreCell row={row} />
      </td>
      <td className="py-2 pr-3 text-right text-muted">
        <SpreadCell row={row} clustering={clustering} />
      </td>
      <td className="py-2 pr-3 text-right">{finished ? formatSeconds(trial.fit_time) : ""}</td>
      <td className="max-w-40 truncate py-2 pr-3 text-muted" title={trial.worker}>
        <span className="inline-flex items-center gap-1">
          <Server className="size-3.5 shrink-0" aria-hidden />
          {workerLabel(trial.worker)}
        </span>
      </td>
      <td className="py-2 text-right text-muted">{trial.trial_number}</td>
      {actions !== undefined && <td className="py-2 pl-3 text-right">{actions}</td>}
    </tr>
  );
}

/** The delivered ensemble as a row of its own, scored like the trials (out of fold, on the same folds). */
function EnsembleRow({ delivered, withActions }: { delivered: Delivered; withActions: boolean }) {
  const labels = useLabels();
  return (
    <tr className="bg-accent/5" data-testid="delivered-row">
      <td className="py-2 pr-3 text-muted">
        <Trophy className="size-4 text-warn" aria-label="Delivered model" />
      </td>
      <td className="py-2 pr-3 font-medium">
        {delivered.label}
        <span className="block text-xs font-normal text-muted">
          {membersSummary(delivered.members, labels.algorithm)}
        </span>
      </td>
      <td className="py-2 pr-3 text-right font-medium">{formatNumber(delivered.score)}</td>
      <td className="py-2 pr-3 text-right text-muted">—</td>
      <td className="py-2 pr-3 text-right">{formatSeconds(delivered.fit_time)}</td>
      <td className="py-2 pr-3 text-muted">delivered</td>
      <td className="py-2 text-right text-muted">—</td>
      {withActions && <td className="py-2 pl-3" />}
    </tr>
  );
}

/** Running trials on top, then the best scores; every trial (failed ones too) one click away. */
export function LiveLeaderboard({
  trials,
  metric,
  greaterIsBetter,
  delivered = null,
  validationLabel = "not recorded",
  renderActions,
  clustering = false,
}: LiveLeaderboardProps) {
  const labels = useLabels();
  const [showAll, setShowAll] = useState(false);
  const rows = leaderboardRows(trials, greaterIsBetter);
  if (rows.length === 0) {
    return (
      // As tall as the board will be, so the page does not jump when the first row arrives.
      <div className={`${BOARD_HEIGHT} flex items-center justify-center`}>
        <EmptyState title="No trials yet" icon={<Trophy className="size-8" aria-hidden />}>
          Each model tried appears here the moment it starts, and is ranked as soon as it finishes.
        </EmptyState>
      </div>
    );
  }
  const shown = showAll ? rows : topRows(rows, TOP);
  const hidden = rows.length - shown.length;
  const unsuccessful = rows.filter((row) => row.state === "unsuccessful").length;
  const metricLabel = labels.metric(metric);
  const body: ReactNode[] = shown.map((row) => (
    <Row
      key={row.trial.trial_number}
      row={row}
      delivered={delivered}
      clustering={clustering}
      actions={renderActions ? (renderActions(row.trial) ?? null) : undefined}
    />
  ));
  const at = deliveredRowIndex(
    shown.map((row) => row.rank),
    delivered,
    { key: "score", direction: "desc" },
  );
  if (delivered && at !== null) {
    body.splice(at, 0, <EnsembleRow key="delivered" delivered={delivered} withActions={Boolean(renderActions)} />);
  }
  return (
    <div className={`${BOARD_HEIGHT} flex flex-col gap-2`}>
      <ScrollRegion label="Live leaderboard" className="min-h-0 flex-1 overflow-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">Trials ranked by {metricLabel}, running trials first</caption>
          <thead className="sticky top-0 bg-surface text-left text-xs text-muted uppercase">
            <tr>
              <th className="py-2 pr-3 font-medium">Rank</th>
              <th className="py-2 pr-3 font-medium">Algorithm</th>
              <th className="py-2 pr-3 text-right font-medium">{metricLabel}</th>
              <th className="py-2 pr-3 text-right font-medium">{clustering ? "Clusters" : "± spread"}</th>
              <th className="py-2 pr-3 text-right font-medium">Fit time</th>
              <th className="py-2 pr-3 font-medium">Ran on</th>
              <th className="py-2 text-right font-medium">Trial</th>
              {renderActions && (
                <th className="py-2 pl-3 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">{body}</tbody>
        </table>
      </ScrollRegion>
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-muted">
        <p data-testid="trials-caption">
          {clustering
            ? clusteringCaption(metricLabel, greaterIsBetter)
            : scoresCaption(metricLabel, greaterIsBetter, validationLabel, trialsValidation(trials))}
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
