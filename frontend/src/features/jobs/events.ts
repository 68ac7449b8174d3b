// Pure reducer from one WebSocket event to the job's query-cache entries. No React, no QueryClient: the hook in
// useJobEvents.ts reads the cache, calls this, and writes back, so the rules below are unit tested on their own.
import type { Job, JobEvent, Leaderboard, Page, ProgressData, ServerEvent, Trial } from "../../api/types";
import { parseUtc } from "../../lib/time";
import { extendCurve } from "./curve";
import { markTrialRunning, upsertTrial } from "./trials";
import type { TrialRunningEvent } from "../../api/types";
import type { Curve } from "../../api/hooks/jobs";

/** Every event the monitor acts on: the durable job events and the workers' `trial_running` announcements. */
export type MonitorEvent = JobEvent | TrialRunningEvent;

export interface JobCache {
  job: Job | undefined;
  leaderboard: Leaderboard | undefined;
  /** Every trial, running and failed ones included. */
  trials?: Page<Trial> | undefined;
  curve?: Curve | undefined;
}

export interface JobCacheUpdate extends JobCache {
  /** The job reached a final state: refetch the job and its leaderboard (and what lists them). */
  invalidate: boolean;
}

const JOB_EVENT_TYPES: ReadonlySet<string> = new Set([
  "training_started",
  "training_progress",
  "training_completed",
  "training_failed",
  "training_cancelled",
  "trial_running",
]);

/** Parses one WebSocket message; anything that is not a known event (a heartbeat, garbage) is `null`. */
export function parseJobEvent(raw: string): MonitorEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const event = value as ServerEvent | TrialRunningEvent;
  const data = (event as MonitorEvent).data as unknown;
  if (!JOB_EVENT_TYPES.has(event.type) || typeof data !== "object" || data === null) return null;
  return event as MonitorEvent;
}

export function isTerminalEvent(event: MonitorEvent): boolean {
  return event.type === "training_completed" || event.type === "training_failed" || event.type === "training_cancelled";
}

/** A trial belongs on the leaderboard once it completed with a score (failed and timed-out ones do not). */
export function isRankable(trial: Trial): boolean {
  return trial.status === "completed" && typeof trial.score === "number" && Number.isFinite(trial.score);
}

/** Adds or replaces (a replayed event) a trial, keeps the best first and renumbers `rank`. */
export function mergeTrial(board: Leaderboard, trial: Trial): Leaderboard {
  if (!isRankable(trial)) return board;
  const others = board.items.filter((item) => item.trial_number !== trial.trial_number);
  const sign = board.greater_is_better ? -1 : 1;
  const items = [...others, trial]
    .sort((a, b) => sign * ((a.score ?? 0) - (b.score ?? 0)) || a.trial_number - b.trial_number)
    .map((item, index) => ({ ...item, rank: index + 1 }));
  return { ...board, items };
}

export function patchProgress(job: Job, data: ProgressData): Job {
  return {
    ...job,
    // A progress event means the job runs, even if the cached copy still says queued.
    status: job.status === "pending" || job.status === "queued" ? "running" : job.status,
    progress: data.progress,
    stage: data.stage,
    message: data.message,
    n_trials: data.n_trials,
    best_score: data.best_score,
    best_algorithm: data.best_algorithm,
  };
}

/** A finished trial reaches the leaderboard, the trial list and (when it improves) the curve. */
function withTrial(cache: JobCache, trial: Trial): Pick<JobCache, "leaderboard" | "trials" | "curve"> {
  const start = cache.job ? (parseUtc(cache.job.started_at) ?? parseUtc(cache.job.created_at)) : null;
  return {
    leaderboard: cache.leaderboard && mergeTrial(cache.leaderboard, trial),
    trials: cache.trials && upsertTrial(cache.trials, trial),
    curve: cache.curve && extendCurve(cache.curve, trial, start),
  };
}

export function reduceJobEvent(cache: JobCache, event: MonitorEvent): JobCacheUpdate {
  const unchanged = { leaderboard: cache.leaderboard, trials: cache.trials, curve: cache.curve };
  switch (event.type) {
    case "training_started":
      return { ...unchanged, job: event.data.job, invalidate: false };
    case "training_progress": {
      const { trial } = event.data;
      return {
        ...(trial ? withTrial(cache, trial) : unchanged),
        job: cache.job && patchProgress(cache.job, event.data),
        invalidate: false,
      };
    }
    case "trial_running":
      return {
        ...unchanged,
        job: cache.job,
        trials: cache.trials && markTrialRunning(cache.trials, event.data, event.timestamp),
        invalidate: false,
      };
    case "training_completed":
      return {
        ...unchanged,
        job: { ...event.data.job, model_id: event.data.job.model_id ?? event.data.model_id },
        invalidate: true,
      };
    case "training_failed":
      return {
        ...unchanged,
        job: { ...event.data.job, error: event.data.job.error ?? event.data.error },
        invalidate: true,
      };
    case "training_cancelled":
      return { ...unchanged, job: event.data.job, invalidate: true };
  }
}
