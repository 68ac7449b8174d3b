import { describe, expect, it } from "vitest";
import type { MetricInfo, Model, Stats } from "../../api/types";
import { makeJob } from "../../test/factories";
import type { Worker } from "../../api/hooks/workers";
import { bestModelsByTask, jobCounts, lastActivity, nextStep, recentActivity, workerSummary } from "./summary";

function makeModel(overrides: Partial<Model>): Model {
  return {
    id: "m0",
    job_id: "j",
    dataset_id: "d",
    algorithm: "lightgbm",
    problem_type: "binary",
    target: "Survived",
    metric: "roc_auc",
    cv_score: 0.8,
    classes: null,
    feature_importance: {},
    card: { input_schema: [] },
    sha256: "",
    size_bytes: 0,
    created_at: "2025-01-01T10:00:00Z",
    ...overrides,
  } as Model;
}

const metric = (name: string, greater: boolean) => ({ name, greater_is_better: greater }) as MetricInfo;

describe("bestModelsByTask", () => {
  const models = [
    makeModel({ id: "a", cv_score: 0.7 }),
    makeModel({ id: "b", cv_score: 0.9 }),
    makeModel({ id: "c", cv_score: 0.8 }),
    makeModel({ id: "d", cv_score: 0.85 }),
    makeModel({ id: "r1", problem_type: "regression", metric: "rmse", cv_score: 3 }),
    makeModel({ id: "r2", problem_type: "regression", metric: "rmse", cv_score: 2 }),
    makeModel({ id: "x", problem_type: "binary", metric: "accuracy", cv_score: 0.99 }),
    makeModel({ id: "none", cv_score: null }),
  ];
  const metrics = [metric("roc_auc", true), metric("rmse", false), metric("accuracy", true)];

  it("ranks within task and metric, in the metric's direction, top N each", () => {
    const groups = bestModelsByTask(models, metrics, 3);
    expect(groups.map((g) => [g.task, g.metric, g.models.map((m) => m.id)])).toEqual([
      ["binary", "roc_auc", ["b", "d", "c"]], // the most-used metric of a task first
      ["binary", "accuracy", ["x"]],
      ["regression", "rmse", ["r2", "r1"]], // lower RMSE is better
    ]);
  });

  it("skips unscored models and treats an unknown metric as higher-is-better", () => {
    const unscored = makeModel({ id: "n", cv_score: null });
    const groups = bestModelsByTask([unscored, makeModel({ id: "k", metric: "mystery" })], []);
    expect(groups).toEqual([expect.objectContaining({ metric: "mystery", greaterIsBetter: true })]);
  });
});

describe("home counts", () => {
  it("jobCounts folds pending into queued and the final states into finished", () => {
    const stats = {
      datasets: 1,
      models: 1,
      workers_online: 0,
      jobs: { total: 9, by_status: { running: 1, queued: 2, pending: 1, completed: 3, failed: 1, cancelled: 1 } },
    } as Stats;
    expect(jobCounts(stats)).toEqual({ running: 1, queued: 3, finished: 5, failed: 1 });
  });

  it("workerSummary counts online workers and their running trials", () => {
    const worker = (status: "online" | "offline", trials: number) =>
      ({ status, current_trials: Array.from({ length: trials }, () => ({})) }) as Worker;
    expect(workerSummary([worker("online", 2), worker("offline", 1), worker("online", 0)])).toEqual({
      online: 2,
      total: 3,
      busy: 2,
    });
  });

  it("nextStep: upload, then train, then predict", () => {
    expect(nextStep({ datasets: 0, models: 0 })).toBe("upload");
    expect(nextStep({ datasets: 2, models: 0 })).toBe("train");
    expect(nextStep({ datasets: 2, models: 1 })).toBe("predict");
  });
});

describe("recent activity", () => {
  it("describes each job by its last event", () => {
    expect(lastActivity(makeJob({ status: "completed", finished_at: "F" }))).toEqual({ verb: "finished", at: "F" });
    expect(lastActivity(makeJob({ status: "running", started_at: "S" }))).toEqual({ verb: "started", at: "S" });
    expect(lastActivity(makeJob({ status: "queued", queued_at: null, created_at: "C" }))).toEqual({
      verb: "is waiting",
      at: "C",
    });
  });

  it("orders by the latest event, not by creation", () => {
    const old = makeJob({
      id: "old",
      created_at: "2025-01-01T08:00:00Z",
      status: "completed",
      finished_at: "2025-01-01T12:00:00Z",
    });
    const fresh = makeJob({ id: "fresh", created_at: "2025-01-01T11:00:00Z", started_at: "2025-01-01T11:00:01Z" });
    const queued = makeJob({ id: "q", status: "queued", queued_at: "2025-01-01T09:00:00Z" });
    expect(recentActivity([queued, fresh, old], 2).map((job) => job.id)).toEqual(["old", "fresh"]);
  });
});
