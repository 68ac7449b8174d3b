import { ExternalLink } from "lucide-react";
import { Link } from "react-router";
import { useLeaderboard } from "../../../api/hooks/jobs";
import { formatNumber } from "../../../lib/format";

export interface ModelSummary {
  mode?: string;
  algorithm?: string;
  params?: Record<string, unknown>;
  trials?: number;
  cv_score?: number | null;
  metric?: string | null;
}

/** The best trials of a model node's search job, refreshed as the run's progress events arrive (liveRun.ts). */
function MiniLeaderboard({ jobId, live }: { jobId: string; live: boolean }) {
  const board = useLeaderboard(jobId, live);
  if (board.error) return <p className="text-xs text-danger">{board.error.message}</p>;
  const items = board.data?.items.slice(0, 5) ?? [];
  return (
    <section aria-label="Search leaderboard" className="space-y-1" data-testid="node-leaderboard">
      <h4 className="text-xs font-semibold">Leaderboard{board.data ? ` (${board.data.metric})` : ""}</h4>
      {items.length === 0 ? (
        <p className="text-xs text-muted">{board.isLoading ? "Loading…" : "No scored trials yet."}</p>
      ) : (
        <ol className="space-y-0.5 text-xs">
          {items.map((trial) => (
            <li key={trial.trial_number} className="flex gap-2">
              <span className="w-5 text-muted">#{trial.rank}</span>
              <span className="truncate">{trial.algorithm}</span>
              <span className="ml-auto tabular-nums">{formatNumber(trial.score)}</span>
            </li>
          ))}
        </ol>
      )}
      <Link to={`/jobs/${jobId}`} className="inline-flex items-center gap-1 text-xs text-accent hover:underline">
        <ExternalLink className="size-3" aria-hidden /> Open the search job
      </Link>
    </section>
  );
}

/** A Model node's outcome: what was fitted, with which parameters, its cross-validated score, and its search. */
export function ModelOutput({ summary, jobId, live }: { summary: ModelSummary; jobId: string | null; live: boolean }) {
  const params = Object.entries(summary.params ?? {});
  return (
    <div className="space-y-2" data-testid="model-summary">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
        <dt className="text-muted">Algorithm</dt>
        <dd>{summary.algorithm ?? "—"}</dd>
        <dt className="text-muted">Mode</dt>
        <dd>{summary.mode ?? "—"}</dd>
        {summary.trials !== undefined && (
          <>
            <dt className="text-muted">Trials</dt>
            <dd>{summary.trials}</dd>
          </>
        )}
        {summary.cv_score !== undefined && (
          <>
            <dt className="text-muted">CV score</dt>
            <dd>
              {formatNumber(summary.cv_score)}
              {summary.metric ? ` (${summary.metric})` : ""}
            </dd>
          </>
        )}
      </dl>
      {params.length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer">Parameters ({params.length})</summary>
          <pre className="mt-1 max-h-40 overflow-auto rounded bg-raised p-2">{JSON.stringify(summary.params, null, 2)}</pre>
        </details>
      )}
      {jobId && <MiniLeaderboard jobId={jobId} live={live} />}
    </div>
  );
}
