import { ArrowDown, ArrowUp, ArrowUpDown, Trophy } from "lucide-react";
import { useMemo, useState } from "react";
import type { Trial } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { formatNumber, formatSeconds } from "../../../lib/format";
import { nextSort, rankOf, sortTrials, type TrialSort, type TrialSortKey } from "../leaderboard";

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

interface TrialsTableProps {
  trials: readonly Trial[];
  metric: string;
  greaterIsBetter: boolean;
}

/** Every trial of the job; click a column header to sort by it ("score" sorts best first whatever the metric). */
export function TrialsTable({ trials, metric, greaterIsBetter }: TrialsTableProps) {
  const [sort, setSort] = useState<TrialSort>({ key: "score", direction: "desc" });
  const rows = useMemo(() => sortTrials(trials, sort, greaterIsBetter), [trials, sort, greaterIsBetter]);
  const ranks = useMemo(() => rankOf(trials, greaterIsBetter), [trials, greaterIsBetter]);
  if (trials.length === 0) {
    return <EmptyState title="This job recorded no trials" icon={<Trophy className="size-8" aria-hidden />} />;
  }
  const columns: Column[] = [
    { key: "algorithm", label: "Algorithm", numeric: false },
    { key: "score", label: metric, numeric: true },
    { key: "fit_time", label: "Fit time", numeric: true },
    { key: "predict_time", label: "Predict / row", numeric: true },
    { key: "trial", label: "Trial", numeric: true },
  ];
  const onSort = (key: TrialSortKey) => setSort((current) => nextSort(current, key));
  return (
    <div className="overflow-x-auto">
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
              ± std
            </th>
            {columns.slice(2, 4).map((column) => (
              <SortHeader key={column.key} column={column} sort={sort} onSort={onSort} />
            ))}
            <th scope="col" className="py-2 pr-3 font-medium uppercase">
              Status
            </th>
            <SortHeader column={columns[4] as Column} sort={sort} onSort={onSort} />
          </tr>
        </thead>
        <tbody className="divide-y divide-line tabular-nums">
          {rows.map((trial) => {
            const rank = ranks.get(trial.trial_number);
            return (
              <tr key={trial.trial_number} className={rank === 1 ? "bg-accent/5" : undefined}>
                <td className="py-2 pr-3 text-muted">{rank ?? "—"}</td>
                <td className="py-2 pr-3 font-medium">{trial.algorithm}</td>
                <td className="py-2 pr-3 text-right">{formatNumber(trial.score)}</td>
                <td className="py-2 pr-3 text-right text-muted">{formatNumber(trial.score_std)}</td>
                <td className="py-2 pr-3 text-right">{formatSeconds(trial.fit_time)}</td>
                <td className="py-2 pr-3 text-right">{formatPerRow(trial.predict_time_per_row)}</td>
                <td className="py-2 pr-3">
                  <StatusText trial={trial} />
                </td>
                <td className="py-2 text-right text-muted">{trial.trial_number}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-muted">
        {greaterIsBetter ? "Higher" : "Lower"} {metric} is better. Scores are averages over the cross-validation folds; ± std
        is how much they varied between folds. Hover a failed trial&apos;s status to read why.
      </p>
    </div>
  );
}
