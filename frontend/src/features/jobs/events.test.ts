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
