import { ArrowDown, ArrowUp, ArrowUpDown, ChevronDown, ChevronRight, Trophy } from "lucide-react";
import { Fragment, type ReactNode, useMemo, useState } from "react";
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
  groupByAlgorithm,
  hasSpread,
  isDeliveredTrial,
  membersSummary,
  nextSort,
  rankOf,
  ranksWithDelivered,
  scoresCaption,
  sortTrials,
  type TrialSort,
  type TrialSortKey,
  trialsValidation,
} from "../../../lib/leaderboard";

/** Per-row predict times are often microseconds, below what formatSeconds shows. */
function formatPerRow(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "—";
  return seconds < 1e-3 ? `${Math.max(1, Math.round(seconds * 1e6))} µs` : formatSeconds(seconds);
}

interface Column {
  key: TrialSortKey;
  label: string;
  numeric: boolean;
}

function SortHeader({ column, sort, onSort }: { column: Column; sort: TrialSort; onSort: (key: TrialSortKey) => void }) {
  const active = sort.key === column.key;
  const Icon = !active ? ArrowUpDown : sort.direction === "asc" ? ArrowUp : ArrowDown;
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.direction === "asc" ? "ascending" : "descending") : "none"}
      className={`py-2 pr-3 font-medium ${column.numeric ? "text-right" : ""}`}
    >
      <button
        type="button"
        onClick={() => onSort(column.key)}
        className={`inline-flex items-center gap-1 uppercase hover:text-fg ${active ? "text-fg" : ""}`}
      >
        {column.label}
        <Icon className="size-3.5" aria-hidden />
      </button>
    </th>
  );
}

function StatusText({ trial }: { trial: Trial }) {
  if (trial.status === "completed") return <span className="text-ok">completed</span>;
  const tone = trial.status === "running" ? "text-accent" : trial.status === "failed" ? "text-danger" : "text-warn";
  return (
    <span className={tone} title={trial.error ?? undefined}>
      {trial.status}
    </span>
  );
}

const TROPHY = <Trophy className="size-4 text-warn" aria-label="Delivered model" />;

interface TrialsTableProps {
  trials: readonly Trial[];
  metric: string;
  greaterIsBetter: boolean;
  /** The model the job delivered (GET .../leaderboard `delivered`): its row gets the trophy. */
  delivered?: Delivered | null;
  /** The API's words for the validation used (the model's or job's validation_label). */
  validationLabel?: string;
  /** A cell of actions per trial (e.g. keep it as a model); the column appears only when given. */
  renderActions?: (trial: Trial) => ReactNode;
  /** A clustering job: no folds, so the spread column shows the clusters each trial found. */
  clustering?: boolean;
}

/**
 * Every trial of the job, grouped by algorithm (each algorithm's best trial, its others one click away) or flat;
 * click a column header to sort ("score" sorts best first whatever the metric). The delivered model has the trophy:
 * a delivered ensemble is a row of its own, at its rank.
 */
export function TrialsTable({
  trials,
  metric,
  greaterIsBetter,
  delivered = null,
  validationLabel = "not recorded",
  renderActions,
  clustering = false,
}: TrialsTableProps) {
  const labels = useLabels();
  const [sort, setSort] = useState<TrialSort>({ key: "score", direction: "desc" });
  const [flat, setFlat] = useState(false);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const sorted = useMemo(() => sortTrials(trials, sort, greaterIsBetter), [trials, sort, greaterIsBetter]);
  const groups = useMemo(() => groupByAlgorithm(trials, sort, greaterIsBetter), [trials, sort, greaterIsBetter]);
  const trialRanks = useMemo(() => rankOf(trials, greaterIsBetter), [trials, greaterIsBetter]);
  const ranks = useMemo(() => ranksWithDelivered(trialRanks, delivered), [trialRanks, delivered]);
  if (trials.length === 0) {
    return <EmptyState title="This job recorded no trials" icon={<Trophy className="size-8" aria-hidden />} />;
  }
  const metricLabel = labels.metric(metric);
  const columns: Column[] = [
    { key: "algorithm", label: "Algorithm", numeric: false },
    { key: "score", label: metricLabel, numeric: true },
    { key: "fit_time", label: "Fit time", numeric: true },
    { key: "predict_time", label: "Predict / row", numeric: true },
    { key: "trial", label: "Trial", numeric: true },
  ];
  const onSort = (key: TrialSortKey) => setSort((current) => nextSort(current, key));
  const toggle = (algorithm: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(algorithm)) next.add(algorithm);
      return next;
    });

  const trialRow = (trial: Trial, group?: { size: number; expanded: boolean }, nested = false) => (
    <tr key={trial.trial_number} className={isDeliveredTrial(trial, delivered) ? "bg-accent/5" : nested ? "bg-raised/30" : undefined}>
      <td className="py-2 pr-3 text-muted">{isDeliveredTrial(trial, delivered) ? TROPHY : (ranks.get(trial.trial_number) ?? "—")}</td>
      <td className={`py-2 pr-3 font-medium ${nested ? "pl-6 font-normal text-muted" : ""}`}>
        <AlgorithmName name={trial.algorithm} />
        {group && group.size > 1 && (
          <button
            type="button"
            className="ml-2 inline-flex items-center gap-0.5 text-xs font-normal text-accent hover:underline"
            aria-expanded={group.expanded}
            onClick={() => toggle(trial.algorithm)}
          >
            {group.expanded ? <ChevronDown className="size-3.5" aria-hidden /> : <ChevronRight className="size-3.5" aria-hidden />}
            {group.expanded ? "hide" : "show"} {group.size - 1} more trial{group.size === 2 ? "" : "s"}
          </button>
        )}
      </td>
      <td className="py-2 pr-3 text-right">{formatNumber(trial.score)}</td>
      {clustering ? (
        <td className="py-2 pr-3 text-right text-muted">
          <TrialClustersCell trial={trial} />
        </td>
      ) : (
        <td className="py-2 pr-3 text-right text-muted" title={hasSpread(trial) ? undefined : "One holdout split: no spread"}>
          {hasSpread(trial) ? formatNumber(trial.score_std) : "—"}
        </td>
      )}
      <td className="py-2 pr-3 text-right">{formatSeconds(trial.fit_time)}</td>
      <td className="py-2 pr-3 text-right">{formatPerRow(trial.predict_time_per_row)}</td>
      <td className="py-2 pr-3">
        <StatusText trial={trial} />
      </td>
      <td className="py-2 text-right text-muted">{trial.trial_number}</td>
      {renderActions && <td className="py-2 pl-3 text-right">{renderActions(trial)}</td>}
    </tr>
  );

  const ensembleRow = delivered?.kind === "ensemble" && (
    <tr key="delivered" className="bg-accent/5" data-testid="delivered-row">
      <td className="py-2 pr-3 text-muted">{TROPHY}</td>
      <td className="py-2 pr-3 font-medium">
        {delivered.label}
        <span className="block text-xs font-normal text-muted">
          the delivered model: {membersSummary(delivered.members, labels.algorithm)}
        </span>
      </td>
      <td className="py-2 pr-3 text-right font-medium">{formatNumber(delivered.score)}</td>
      <td className="py-2 pr-3 text-right text-muted">—</td>
      <td className="py-2 pr-3 text-right">{formatSeconds(delivered.fit_time)}</td>
      <td className="py-2 pr-3 text-right">—</td>
      <td className="py-2 pr-3">
        <span className="text-ok">delivered</span>
      </td>
      <td className="py-2 text-right text-muted">—</td>
      {renderActions && <td className="py-2 pl-3" />}
    </tr>
  );

  const rows: ReactNode[] = flat
    ? sorted.map((trial) => trialRow(trial))
    : groups.map((group) => {
        const expanded = open.has(group.algorithm);
        return (
          <Fragment key={group.algorithm}>
            {trialRow(group.best, { size: group.others.length + 1, expanded })}
            {expanded && group.others.map((trial) => trialRow(trial, undefined, true))}
          </Fragment>
        );
      });
  const shownRanks = (flat ? sorted : groups.map((group) => group.best)).map((trial) => trialRanks.get(trial.trial_number) ?? null);
  const at = deliveredRowIndex(shownRanks, delivered, sort);
  if (ensembleRow && at !== null) rows.splice(at, 0, ensembleRow);

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p className="text-muted">
          {flat
            ? `All ${trials.length} trials.`
            : `${trials.length} trials of ${groups.length} algorithm${groups.length === 1 ? "" : "s"}: each algorithm's best shown.`}
        </p>
        <Button variant="ghost" size="sm" onClick={() => setFlat((value) => !value)} aria-pressed={flat}>
          {flat ? "Group by algorithm" : `Show all ${trials.length} trials`}
        </Button>
      </div>
      <ScrollRegion label="Trials" className="overflow-x-auto">
        <table className="w-full text-sm" aria-label="Trials of the training job">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium uppercase">
                Rank
              </th>
              {columns.slice(0, 2).map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={onSort} />
              ))}
              <th scope="col" className="py-2 pr-3 text-right font-medium uppercase">
                {clustering ? "Clusters" : "± spread"}
              </th>
              {columns.slice(2, 4).map((column) => (
                <SortHeader key={column.key} column={column} sort={sort} onSort={onSort} />
              ))}
              <th scope="col" className="py-2 pr-3 font-medium uppercase">
                Status
              </th>
              <SortHeader column={columns[4] as Column} sort={sort} onSort={onSort} />
              {renderActions && (
                <th scope="col" className="py-2 pl-3 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">{rows}</tbody>
        </table>
      </ScrollRegion>
      <p className="text-xs text-muted" data-testid="trials-caption">
        {clustering
          ? clusteringCaption(metricLabel, greaterIsBetter)
          : scoresCaption(metricLabel, greaterIsBetter, validationLabel, trialsValidation(trials))}{" "}
        Hover a failed
        trial&apos;s status to read why.
      </p>
    </div>
  );
}
