import type { Job } from "../api/types";
import { formatDuration } from "./format";
import { parseUtc } from "./time";
import { isActive } from "./jobStatus";

export interface JobTiming {
  /** Seconds since the job started (or was created), up to when it finished. */
  elapsed: number | null;
  /** Seconds until the job's deadline while it is active; null once finished or without a deadline. */
  remaining: number | null;
}

export function jobTiming(job: Job, now: number): JobTiming {
  const start = parseUtc(job.started_at) ?? parseUtc(job.created_at);
  const end = parseUtc(job.finished_at) ?? now;
  const deadline = parseUtc(job.deadline);
  return {
    elapsed: start === null ? null : Math.max(0, (end - start) / 1000),
    remaining: isActive(job.status) && deadline !== null ? Math.max(0, (deadline - now) / 1000) : null,
  };
}

/**
 * What the time-left estimate rests on: the time budget's end ("budget"), the trial limit at the pace so far
 * ("trials"), nothing yet because the job waits for a free slot ("queued"), or the search is over and the final
 * model is being built, which has no fixed length ("finishing").
 */
export type EtaBasis = "budget" | "trials" | "queued" | "finishing";

export interface JobEta {
  /** Seconds until the job should be done; null when there is no honest estimate. */
  seconds: number | null;
  /** When that is (ms since the epoch), for "done around 10:42". */
  at: number | null;
  basis: EtaBasis | null;
}

const NONE: JobEta = { seconds: null, at: null, basis: null };

/**
 * The search ends at the deadline (started + time budget) or after `max_trials` trials, whichever comes first.
 * The trial-based end extrapolates the pace so far (elapsed / trials done), which already reflects trials that run
 * side by side on several workers.
 */
export function jobEta(job: Job, now: number): JobEta {
  if (!isActive(job.status)) return NONE;
  const started = parseUtc(job.started_at);
  if (job.status === "pending" || job.status === "queued" || started === null) {
    return { seconds: null, at: null, basis: "queued" };
  }
  if (job.stage === "finalizing" || job.stage === "done") return { seconds: null, at: null, basis: "finishing" };
  const budgetEnd = parseUtc(job.deadline) ?? started + job.time_budget * 60_000;
  const byBudget = (budgetEnd - now) / 1000;
  if (byBudget <= 0) return { seconds: null, at: null, basis: "finishing" };
  let seconds = byBudget;
  let basis: EtaBasis = "budget";
  if (job.max_trials !== null && job.n_trials > 0 && job.n_trials < job.max_trials) {
    const perTrial = Math.max(0, now - started) / 1000 / job.n_trials;
    const byTrials = perTrial * (job.max_trials - job.n_trials);
    if (byTrials < byBudget) {
      seconds = byTrials;
      basis = "trials";
    }
  }
  return { seconds, at: now + seconds * 1000, basis };
}

/** The job's stages in order, with plain-words labels for the stepper. */
export const STAGES = [
  { stage: "queued", label: "Waiting" },
  { stage: "preparing", label: "Preparing data" },
  { stage: "searching", label: "Trying models" },
  { stage: "finalizing", label: "Building final model" },
  { stage: "done", label: "Done" },
] as const;

/** Index of the job's stage in STAGES; a finished job is at "done" whatever stage it stopped in. */
export function stageIndex(job: Pick<Job, "status" | "stage">): number {
  if (job.status === "completed") return STAGES.length - 1;
  const index = STAGES.findIndex((item) => item.stage === job.stage);
  return Math.max(0, index);
}

/** The estimate in plain words, e.g. "About 2m 10s left (done around 10:42)". */
export function etaLabel(eta: JobEta, clock: (ms: number) => string = defaultClock): string {
  switch (eta.basis) {
    case "queued":
      return "Waiting for a free training slot";
    case "finishing":
      return "Search over: building the final model";
    case "budget":
    case "trials": {
      if (eta.seconds === null || eta.at === null) return "";
      const why =
        eta.basis === "trials" ? "at the current pace, to reach the trial limit" : "when the time budget ends";
      return `About ${formatDuration(eta.seconds)} left (done around ${clock(eta.at)}, ${why})`;
    }
    case null:
      return "";
  }
}

function defaultClock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
