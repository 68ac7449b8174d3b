// What the home page summarises, from the raw API answers. Pure.
import type { Job, MetricInfo, Model, ProblemType, Stats } from "../../api/types";
import { parseUtc } from "../../lib/time";
import type { Worker } from "../../api/hooks/workers";

export interface JobCounts {
  running: number;
  queued: number;
  /** Completed, failed and cancelled together. */
  finished: number;
  failed: number;
}

export function jobCounts(stats: Stats): JobCounts {
  const by = stats.jobs.by_status;
  return {
    running: by.running ?? 0,
    // "pending" is the instant between the request and the queue: to a user it is waiting, like queued.
    queued: (by.queued ?? 0) + (by.pending ?? 0),
    finished: (by.completed ?? 0) + (by.failed ?? 0) + (by.cancelled ?? 0),
    failed: by.failed ?? 0,
  };
}

export interface WorkerSummary {
  online: number;
  total: number;
  /** Trials running on online workers right now. */
  busy: number;
}

export function workerSummary(workers: readonly Worker[]): WorkerSummary {
  const online = workers.filter((worker) => worker.status === "online");
  return {
    online: online.length,
    total: workers.length,
    busy: online.reduce((sum, worker) => sum + worker.current_trials.length, 0),
  };
}

const TASK_ORDER: readonly ProblemType[] = ["binary", "multiclass", "regression"];

export interface ModelGroup {
  task: ProblemType;
  metric: string;
  greaterIsBetter: boolean;
  /** Best first. */
  models: Model[];
}

/**
 * The best models of each task. Scores are comparable only under the same metric, so models are grouped by task
 * and metric; within a group the best `perGroup` come first, in the metric's direction (a metric the catalogue does
 * not know counts as higher-is-better). Groups follow the task order, then the most-used metric first.
 */
export function bestModelsByTask(
  models: readonly Model[],
  metrics: readonly MetricInfo[],
  perGroup = 3,
): ModelGroup[] {
  const direction = new Map(metrics.map((metric) => [metric.name, metric.greater_is_better]));
  const groups = new Map<string, ModelGroup & { count: number }>();
  for (const model of models) {
    if (typeof model.cv_score !== "number" || !Number.isFinite(model.cv_score)) continue;
    const key = `${model.problem_type}\u0000${model.metric}`;
    const group = groups.get(key) ?? {
      task: model.problem_type,
      metric: model.metric,
      greaterIsBetter: direction.get(model.metric) ?? true,
      models: [],
      count: 0,
    };
    group.models.push(model);
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => TASK_ORDER.indexOf(a.task) - TASK_ORDER.indexOf(b.task) || b.count - a.count)
    .map(({ count: _count, ...group }) => {
      const sign = group.greaterIsBetter ? -1 : 1;
      const best = [...group.models].sort((a, b) => sign * ((a.cv_score ?? 0) - (b.cv_score ?? 0)));
      return { ...group, models: best.slice(0, perGroup) };
    });
}

export interface Activity {
  /** What happened last, in plain words. */
  verb: "finished" | "failed" | "was cancelled" | "started" | "is waiting";
  at: string | null;
}

/** The job's latest event, for "titanic finished 3 min ago". */
export function lastActivity(job: Job): Activity {
  switch (job.status) {
    case "completed":
      return { verb: "finished", at: job.finished_at };
    case "failed":
      return { verb: "failed", at: job.finished_at };
    case "cancelled":
      return { verb: "was cancelled", at: job.finished_at };
    case "running":
      return { verb: "started", at: job.started_at };
    default:
      return { verb: "is waiting", at: job.queued_at ?? job.created_at };
  }
}

export type NextStep = "upload" | "train" | "predict";

/** Where a user stands: no data yet, data but no model, or a model to use. */
export function nextStep(stats: Pick<Stats, "datasets" | "models">): NextStep {
  if (stats.datasets === 0) return "upload";
  if (stats.models === 0) return "train";
  return "predict";
}

/** The `limit` jobs with the most recent activity (a job created long ago that just finished comes first). */
export function recentActivity(jobs: readonly Job[], limit: number): Job[] {
  const when = (job: Job) => parseUtc(lastActivity(job).at) ?? parseUtc(job.created_at) ?? 0;
  return [...jobs].sort((a, b) => when(b) - when(a)).slice(0, limit);
}
