import { Boxes, FastForward, Square } from "lucide-react";
import { Link } from "react-router";
import type { Job } from "../../../api/types";
import { Button, primaryLinkClass } from "../../../components/Button";
import { ProgressBar } from "../../../components/ProgressBar";
import { ErrorBanner } from "../../../components/States";
import { StatusBadge } from "../../../components/StatusBadge";
import { formatDuration, formatNumber } from "../../../lib/format";
import { useNow } from "../../../lib/time";
import { useCancelJob, useStopJob } from "../api";
import { isActive } from "../status";
import { jobTiming } from "../timing";
import type { SocketState } from "../useJobEvents";

const SOCKET_LABEL: Record<SocketState, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  closed: "",
};

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
    </div>
  );
}

export function JobHeader({ job, socket }: { job: Job; socket: SocketState }) {
  const active = isActive(job.status);
  const now = useNow(1000, active);
  const { elapsed, remaining } = jobTiming(job, now);
  const cancel = useCancelJob(job.id);
  const stop = useStopJob(job.id);
  const canFinish = job.status === "running" && job.best_score !== null && job.stage === "searching";
  const tone = job.status === "failed" ? "danger" : job.status === "completed" ? "ok" : "accent";

  return (
    <div className="space-y-4 rounded-lg border border-line bg-surface p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={job.status} />
          <span className="text-sm text-muted">
            stage <span className="text-fg">{job.stage}</span>
          </span>
          {active && SOCKET_LABEL[socket] && (
            <span className="flex items-center gap-1.5 text-xs text-muted">
              <span className={`size-2 rounded-full ${socket === "live" ? "animate-pulse bg-ok" : "bg-warn"}`} aria-hidden />
              {SOCKET_LABEL[socket]}
            </span>
          )}
        </div>
        <div className="flex items-center gap-2">
          {canFinish && (
            <Button
              variant="secondary"
              icon={<FastForward className="size-4" aria-hidden />}
              onClick={() => stop.mutate()}
              disabled={stop.isPending}
              title="Stop searching and keep the best model found so far"
            >
              Finish now
            </Button>
          )}
          {active && (
            <Button
              variant="danger"
              icon={<Square className="size-4" aria-hidden />}
              onClick={() => cancel.mutate()}
              disabled={cancel.isPending}
            >
              Cancel
            </Button>
          )}
          {job.model_id && (
            <Link to={`/models/${job.model_id}`} className={primaryLinkClass}>
              <Boxes className="size-4" aria-hidden /> Open model & predict
            </Link>
          )}
        </div>
      </div>
      <ProgressBar value={job.status === "completed" ? 100 : job.progress} label="Job progress" tone={tone} />
      <p className="text-sm text-muted" aria-live="polite">
        {Math.round(job.progress)}% · {job.message || "Waiting for the first update…"}
      </p>
      {job.status === "failed" && job.error && <ErrorBanner message={job.error} />}
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-5">
        <Stat label="Elapsed" value={formatDuration(elapsed)} />
        <Stat label={active ? "Time left" : "Budget"} value={active ? formatDuration(remaining) : `${job.time_budget} min`} />
        <Stat label="Trials" value={String(job.n_trials)} />
        <Stat label={`Best ${job.metric}`} value={formatNumber(job.best_score)} />
        <Stat label="Best algorithm" value={job.best_algorithm ?? "—"} />
      </dl>
    </div>
  );
}
