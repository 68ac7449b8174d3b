import { describe, expect, it } from "vitest";
import { makeEvent, makeJob, makeLeaderboard, makeTrial } from "../../test/factories";
import { mergeTrial, parseJobEvent, reduceJobEvent } from "./events";

const progress = (overrides = {}) => ({
  progress: 42,
  stage: "searching" as const,
  message: "Trial 3 of many",
  n_trials: 3,
  best_score: 0.9,
  best_algorithm: "random_forest",
  ...overrides,
});

describe("reduceJobEvent: training_progress", () => {
  it("patches progress, stage, message and best into the cached job", () => {
    const job = makeJob({ progress: 10, n_trials: 1 });
    const result = reduceJobEvent({ job, leaderboard: undefined }, makeEvent("training_progress", progress()));
    expect(result.job).toMatchObject({
      progress: 42,
      stage: "searching",
      message: "Trial 3 of many",
      n_trials: 3,
      best_score: 0.9,
      best_algorithm: "random_forest",
    });
    expect(result.job?.id).toBe(job.id);
    expect(result.invalidate).toBe(false);
    expect(job.progress).toBe(10); // the cached object is not mutated
  });

  it("marks a queued job as running", () => {
    const job = makeJob({ status: "queued", stage: "queued" });
    const result = reduceJobEvent({ job, leaderboard: undefined }, makeEvent("training_progress", progress()));
    expect(result.job?.status).toBe("running");
  });

  it("leaves the cache empty when the job is not loaded yet", () => {
    const result = reduceJobEvent(
      { job: undefined, leaderboard: undefined },
      makeEvent("training_progress", progress({ trial: makeTrial() })),
    );
    expect(result).toEqual({ job: undefined, leaderboard: undefined, invalidate: false });
  });

  it("appends the event's trial to the leaderboard, best first, with ranks", () => {
    const board = makeLeaderboard([makeTrial({ trial_number: 0, score: 0.8, rank: 1 })]);
    const trial = makeTrial({ trial_number: 1, algorithm: "random_forest", score: 0.9 });
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: board },
      makeEvent("training_progress", progress({ trial })),
    );
    expect(result.leaderboard?.items.map((t) => [t.trial_number, t.rank])).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(board.items).toHaveLength(1);
  });

  it("sorts ascending when smaller is better", () => {
    const board = makeLeaderboard([makeTrial({ trial_number: 0, score: 3.0 })], false);
    const next = mergeTrial(board, makeTrial({ trial_number: 1, score: 2.5 }));
    expect(next.items.map((t) => t.trial_number)).toEqual([1, 0]);
  });

  it("replaces a replayed trial instead of duplicating it", () => {
    const board = makeLeaderboard([makeTrial({ trial_number: 0, score: 0.8 })]);
    const next = mergeTrial(board, makeTrial({ trial_number: 0, score: 0.8 }));
    expect(next.items).toHaveLength(1);
  });

  it("keeps failed trials off the leaderboard", () => {
    const board = makeLeaderboard([]);
    const failed = makeTrial({ trial_number: 2, status: "failed", score: null, error: "boom" });
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: board },
      makeEvent("training_progress", progress({ trial: failed })),
    );
    expect(result.leaderboard).toBe(board);
  });
});

describe("reduceJobEvent: terminal events", () => {
  it("completed: takes the event's job, keeps the model id and asks for a refetch", () => {
    const done = makeJob({ status: "completed", stage: "done", progress: 100, model_id: null });
    const board = makeLeaderboard([makeTrial()]);
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: board },
      makeEvent("training_completed", { job: done, model_id: "m".repeat(32) }),
    );
    expect(result.invalidate).toBe(true);
    expect(result.job?.status).toBe("completed");
    expect(result.job?.model_id).toBe("m".repeat(32));
    expect(result.leaderboard).toBe(board);
  });

  it("failed: carries the error message", () => {
    const failed = makeJob({ status: "failed", error: null });
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: undefined },
      makeEvent("training_failed", { job: failed, error: "Target has one class" }),
    );
    expect(result.invalidate).toBe(true);
    expect(result.job?.error).toBe("Target has one class");
  });

  it("cancelled: terminal", () => {
    const cancelled = makeJob({ status: "cancelled" });
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: undefined },
      makeEvent("training_cancelled", { job: cancelled }),
    );
    expect(result).toMatchObject({ invalidate: true, job: { status: "cancelled" } });
  });

  it("started: replaces the job without a refetch", () => {
    const started = makeJob({ status: "running", stage: "preparing", progress: 0 });
    const result = reduceJobEvent(
      { job: makeJob({ status: "queued" }), leaderboard: undefined },
      makeEvent("training_started", { job: started }),
    );
    expect(result).toMatchObject({ invalidate: false, job: { status: "running", stage: "preparing" } });
  });
});

describe("parseJobEvent", () => {
  it("ignores heartbeats, unknown types and invalid JSON", () => {
    expect(parseJobEvent('{"type":"heartbeat"}')).toBeNull();
    expect(parseJobEvent('{"type":"worker_connected","data":{}}')).toBeNull();
    expect(parseJobEvent("not json")).toBeNull();
  });

  it("accepts a job event", () => {
    const raw = JSON.stringify(makeEvent("training_progress", progress(), 7));
    expect(parseJobEvent(raw)).toMatchObject({ id: 7, type: "training_progress" });
  });
});

describe("reduceJobEvent: trial list and curve", () => {
  const curve = (points: { seconds: number; best_score: number; trial_number: number; algorithm: string }[] = []) => ({
    job_id: "a".repeat(32),
    metric: "roc_auc",
    greater_is_better: true,
    points,
  });

  it("a finished trial replaces its running copy and extends the curve when it improves", () => {
    const running = makeTrial({ trial_number: 1, status: "running", score: null, worker: "gpu-box" });
    const trials = { items: [makeTrial({ trial_number: 0, score: 0.8 }), running], count: 2 };
    const done = makeTrial({ trial_number: 1, score: 0.9, worker: "gpu-box", finished_at: "2025-01-01T10:00:21Z" });
    const result = reduceJobEvent(
      {
        job: makeJob(),
        leaderboard: undefined,
        trials,
        curve: curve([{ seconds: 2, best_score: 0.8, trial_number: 0, algorithm: "lightgbm" }]),
      },
      makeEvent("training_progress", progress({ trial: done })),
    );
    expect(result.trials?.items.map((t) => [t.trial_number, t.status, t.worker])).toEqual([
      [0, "completed", "local"],
      [1, "completed", "gpu-box"],
    ]);
    // makeJob started at 10:00:01.
    expect(result.curve?.points.at(-1)).toMatchObject({ seconds: 20, best_score: 0.9, trial_number: 1 });
  });

  it("a failed trial joins the trial list (for the chart) but not the curve", () => {
    const failed = makeTrial({ trial_number: 2, status: "failed", score: null, error: "boom" });
    const start = curve();
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: undefined, trials: { items: [], count: 0 }, curve: start },
      makeEvent("training_progress", progress({ trial: failed })),
    );
    expect(result.trials?.items).toHaveLength(1);
    expect(result.curve).toBe(start);
  });

  it("trial_running adds a running trial with its worker, and nothing else changes", () => {
    const job = makeJob();
    const trials = { items: [], count: 0 };
    const event = {
      type: "trial_running" as const,
      job_id: job.id,
      timestamp: "2025-01-01T10:00:09Z",
      data: { trial_number: 3, algorithm: "xgboost", worker: "gpu-box", device: "cuda" as const },
    };
    const result = reduceJobEvent({ job, leaderboard: undefined, trials }, event);
    expect(result.job).toBe(job);
    expect(result.invalidate).toBe(false);
    expect(result.trials?.items).toEqual([
      expect.objectContaining({ trial_number: 3, status: "running", worker: "gpu-box", algorithm: "xgboost" }),
    ]);
  });

  it("trial_running before the trial list loaded leaves the cache alone", () => {
    const event = {
      type: "trial_running" as const,
      job_id: null,
      timestamp: "2025-01-01T10:00:09Z",
      data: { trial_number: 3, algorithm: "xgboost", worker: "gpu-box", device: "cpu" as const },
    };
    expect(reduceJobEvent({ job: undefined, leaderboard: undefined }, event).trials).toBeUndefined();
  });

  it("terminal events keep the trial list and curve and ask for a refetch", () => {
    const trials = { items: [makeTrial()], count: 1 };
    const result = reduceJobEvent(
      { job: makeJob(), leaderboard: undefined, trials },
      makeEvent("training_cancelled", { job: makeJob({ status: "cancelled" }) }),
    );
    expect(result).toMatchObject({ invalidate: true, trials });
  });

  it("parses trial_running, which comes without an id", () => {
    const raw = JSON.stringify({ type: "trial_running", job_id: "j", timestamp: "t", data: { trial_number: 1 } });
    expect(parseJobEvent(raw)).toMatchObject({ type: "trial_running", data: { trial_number: 1 } });
    expect(parseJobEvent('{"type":"trial_running","data":null}')).toBeNull();
  });
});
