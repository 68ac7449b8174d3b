// The job's full trial list (GET /api/results/job/{id}/trials, running and failed trials included), patched live,
// and the live leaderboard's rows built from it. Pure.
import type { IsoTime, Page, Trial } from "../../api/types";
import type { TrialRunningData } from "../../api/types";

/** Adds a trial, or replaces the copy with the same number (a running placeholder, a replayed event). */
export function upsertTrial(page: Page<Trial>, trial: Trial): Page<Trial> {
  const index = page.items.findIndex((item) => item.trial_number === trial.trial_number);
  if (index === -1) {
    const items = [...page.items, trial].sort((a, b) => a.trial_number - b.trial_number);
    return { items, count: items.length };
  }
  const items = page.items.map((item, i) => (i === index ? trial : item));
  return { ...page, items };
}

/**
 * A `trial_running` event: the trial started on `worker`. It travels a faster path than the trial's result, and
 * may arrive after it, so a trial that already finished is left alone.
 */
export function markTrialRunning(page: Page<Trial>, data: TrialRunningData, startedAt: IsoTime): Page<Trial> {
  const existing = page.items.find((item) => item.trial_number === data.trial_number);
  if (existing) {
    if (existing.status !== "running" || existing.worker === data.worker) return page;
    return upsertTrial(page, { ...existing, worker: data.worker });
  }
  return upsertTrial(page, {
    rank: null,
    trial_number: data.trial_number,
    algorithm: data.algorithm,
    params: {},
    status: "running",
    score: null,
    score_std: null,
    fold_scores: [],
    other_metrics: {},
    cluster_sizes: [],
    fit_time: 0,
    predict_time_per_row: 0,
    worker: data.worker,
    error: null,
    started_at: startedAt,
    finished_at: null,
    validation: null,
  });
}

export function hasScore(trial: Trial): trial is Trial & { score: number } {
  return trial.status === "completed" && typeof trial.score === "number" && Number.isFinite(trial.score);
}

export type RowState = "running" | "scored" | "unsuccessful";

export interface LeaderboardRow {
  trial: Trial;
  state: RowState;
  /** 1 for the best scored trial; null for running and unsuccessful ones. */
  rank: number | null;
}

/**
 * Running trials first (what is happening now), then scored trials best first (ties: the earlier trial), then
 * failed, timed-out or cancelled ones, each group in trial order.
 */
export function leaderboardRows(trials: readonly Trial[], greaterIsBetter: boolean): LeaderboardRow[] {
  const byNumber = (a: Trial, b: Trial) => a.trial_number - b.trial_number;
  const running = trials.filter((t) => t.status === "running").sort(byNumber);
  const scored = trials.filter(hasScore).sort((a, b) => {
    const diff = greaterIsBetter ? b.score - a.score : a.score - b.score;
    return diff || a.trial_number - b.trial_number;
  });
  const unsuccessful = trials.filter((t) => t.status !== "running" && !hasScore(t)).sort(byNumber);
  return [
    ...running.map((trial) => ({ trial, state: "running" as const, rank: null })),
    ...scored.map((trial, index) => ({ trial, state: "scored" as const, rank: index + 1 })),
    ...unsuccessful.map((trial) => ({ trial, state: "unsuccessful" as const, rank: null })),
  ];
}

/** The rows worth showing by default: every running trial and the best `top` scored ones. */
export function topRows(rows: readonly LeaderboardRow[], top: number): LeaderboardRow[] {
  return rows.filter((row) => row.state === "running" || (row.state === "scored" && (row.rank ?? 0) <= top));
}

/** Where a trial ran, in plain words: the master's own pool is "local". */
export function workerLabel(worker: string): string {
  return worker === "local" ? "this server" : worker;
}
