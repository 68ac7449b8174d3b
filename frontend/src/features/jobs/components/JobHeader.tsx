import { Boxes, CheckCircle2 } from "lucide-react";
import { Link } from "react-router";
import type { Job } from "../../../api/types";
import { buttonVariants } from "../../../components/ui/button";
import { ProgressBar } from "../../../components/ProgressBar";
import { ErrorBanner, Notice } from "../../../components/States";
import { StatusBadge } from "../../../components/StatusBadge";
import { formatDuration, formatNumber } from "../../../lib/format";
import { useNow } from "../../../lib/time";
import { useLabels } from "../../../api/hooks/catalogue";
import { stepsText } from "../../../lib/labels";
import { isActive } from "../../../lib/jobStatus";
import { etaLabel, jobEta, jobTiming } from "../../../lib/jobTiming";
import type { SocketState } from "../useJobEvents";
import { JobActions } from "./JobActions";
import { StageSteps } from "./StageSteps";

const SOCKET_LABEL: Record<SocketState, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  closed: "",
};

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="truncate text-lg font-semibold tabular-nums" title={value} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function budgetText(job: Job): string {
  const time = formatDuration(job.time_budget * 60);
  return job.max_trials === null ? time : `${time} or ${job.max_trials} trials`;
}

/** The finished job's outcome: where its model is, why it failed, or that it was cancelled. */
function Outcome({ job }: { job: Job }) {
  const labels = useLabels();
  if (job.status === "completed" && job.model_id) {
    return (
      <div
        className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-ok/40 bg-ok/10 px-4 py-3"
      >
        <p className="flex items-center gap-2 text-sm">
          <CheckCircle2 className="size-5 text-ok" aria-hidden />
          <span>
            Training finished. Best model: <strong>{job.best_algorithm ? labels.algorithm(job.best_algorithm) : "—"}</strong>,{" "}
            {labels.metric(job.metric)}{" "}
            <strong className="tabular-nums" data-testid="banner-score">
              {formatNumber(job.best_score)}
            </strong>
            .
          </span>
        </p>
        <Link to={`/models/${job.model_id}`} className={buttonVariants()}>
          <Boxes className="size-4" aria-hidden /> Open results
        </Link>
      </div>
    );
  }
  if (job.status === "failed") return <ErrorBanner message={job.error || "The job failed."} />;
  if (job.status === "cancelled") {
    return (
      <Notice>This job was cancelled, so no model was saved. Trials that finished before are listed below.</Notice>
    );
  }
  return null;
}

export function JobHeader({ job, socket }: { job: Job; socket: SocketState }) {
  const active = isActive(job.status);
  const now = useNow(1000, active);
  const { elapsed } = jobTiming(job, now);
  const eta = jobEta(job, now);
  const tone = job.status === "failed" ? "danger" : job.status === "completed" ? "ok" : "accent";
  const showSteps = job.status !== "failed" && job.status !== "cancelled";
  const labels = useLabels();

  return (
    <section aria-label="Job progress" className="space-y-4 rounded-lg border border-line bg-surface p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={job.status} />
          {active && SOCKET_LABEL[socket] && (
            <span className="flex items-center gap-1.5 text-xs text-muted" title="Connection for live updates">
              <span
                className={`size-2 rounded-full ${socket === "live" ? "animate-pulse bg-ok" : "bg-warn"}`}
                aria-hidden
              />
              {SOCKET_LABEL[socket]}
            </span>
          )}
        </div>
        <JobActions job={job} />
      </div>
      {showSteps && <StageSteps job={job} />}
      <ProgressBar value={job.status === "completed" ? 100 : job.progress} label="Job progress" tone={tone} />
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <p className="text-muted" aria-live="polite">
          {Math.round(job.status === "completed" ? 100 : job.progress)}% ·{" "}
          {job.message || (active ? "Waiting for the first update…" : job.status)}
        </p>
        {active && <p className="text-fg">{etaLabel(eta)}</p>}
      </div>
      <Outcome job={job} />
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
        <Stat label="Elapsed" value={formatDuration(elapsed)} />
        <Stat label="Time budget" value={budgetText(job)} />
        <Stat label="Trials finished" value={String(job.n_trials)} />
        <Stat label={`Best ${labels.metric(job.metric)}`} value={formatNumber(job.best_score)} />
        <Stat label="Best algorithm" value={job.best_algorithm ? labels.algorithm(job.best_algorithm) : "—"} />
        <Stat label="Preprocessing" value={stepsText(job.preprocessors, labels)} testId="job-preprocessing" />
        <Stat
          label="Validation"
          // A job records its validation once its data is read; until then there is nothing to report yet.
          value={active && job.validation === null ? "chosen once the data is read" : job.validation_label}
          testId="validation-label"
        />
      </dl>
    </section>
  );
}
