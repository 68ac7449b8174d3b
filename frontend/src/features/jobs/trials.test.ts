import { describe, expect, it } from "vitest";
import { makeTrial } from "../../test/factories";
import { leaderboardRows, markTrialRunning, topRows, upsertTrial, workerLabel } from "./trials";

const page = (items = [makeTrial()]) => ({ items, count: items.length });

describe("leaderboardRows", () => {
  const trials = [
    makeTrial({ trial_number: 0, score: 0.7 }),
    makeTrial({ trial_number: 1, status: "failed", score: null, error: "boom" }),
    makeTrial({ trial_number: 2, score: 0.9 }),
    makeTrial({ trial_number: 3, status: "running", score: null, worker: "gpu-box" }),
    makeTrial({ trial_number: 4, score: 0.9 }),
    makeTrial({ trial_number: 5, status: "timeout", score: null }),
  ];

  it("puts running trials first, then scored ones best first with ranks, then the unsuccessful", () => {
    const rows = leaderboardRows(trials, true);
    expect(rows.map((r) => [r.trial.trial_number, r.state, r.rank])).toEqual([
      [3, "running", null],
      [2, "scored", 1],
      [4, "scored", 2], // a tie goes to the earlier trial
      [0, "scored", 3],
      [1, "unsuccessful", null],
      [5, "unsuccessful", null],
    ]);
  });

  it("ranks ascending when a smaller score is better", () => {
    const rows = leaderboardRows(trials, false).filter((r) => r.state === "scored");
    expect(rows.map((r) => r.trial.trial_number)).toEqual([0, 2, 4]);
  });

  it("treats a completed trial without a finite score as unsuccessful", () => {
    const rows = leaderboardRows([makeTrial({ score: Number.NaN })], true);
    expect(rows[0]?.state).toBe("unsuccessful");
  });

  it("topRows keeps every running trial and the best N scored ones", () => {
    const rows = topRows(leaderboardRows(trials, true), 2);
    expect(rows.map((r) => r.trial.trial_number)).toEqual([3, 2, 4]);
  });
});

describe("trial list patches", () => {
  it("upsertTrial replaces a trial by number and keeps trial order when adding", () => {
    const start = page([makeTrial({ trial_number: 2 }), makeTrial({ trial_number: 0, status: "running" })]);
    const replaced = upsertTrial(start, makeTrial({ trial_number: 0, score: 0.5 }));
    expect(replaced.items.map((t) => [t.trial_number, t.status])).toEqual([
      [2, "completed"],
      [0, "completed"],
    ]);
    const added = upsertTrial(start, makeTrial({ trial_number: 1 }));
    expect(added.items.map((t) => t.trial_number)).toEqual([0, 1, 2]);
    expect(added.count).toBe(3);
    expect(start.items).toHaveLength(2);
  });

  it("markTrialRunning adds a running placeholder with its worker", () => {
    const next = markTrialRunning(
      page([]),
      { trial_number: 4, algorithm: "xgboost", worker: "gpu-box", device: "cpu" },
      "2025-01-01T10:00:09Z",
    );
    expect(next.items[0]).toMatchObject({
      trial_number: 4,
      algorithm: "xgboost",
      worker: "gpu-box",
      status: "running",
      score: null,
      started_at: "2025-01-01T10:00:09Z",
    });
  });

  it("markTrialRunning sets the worker of a running trial but never touches a finished one", () => {
    const running = page([makeTrial({ trial_number: 4, status: "running", worker: "local" })]);
    const data = { trial_number: 4, algorithm: "lightgbm", worker: "gpu-box", device: "cpu" as const };
    expect(markTrialRunning(running, data, "t").items[0]?.worker).toBe("gpu-box");
    const finished = page([makeTrial({ trial_number: 4, worker: "other" })]);
    expect(markTrialRunning(finished, data, "t")).toBe(finished);
  });

  it("names the master's own pool in plain words", () => {
    expect(workerLabel("local")).toBe("this server");
    expect(workerLabel("gpu-box")).toBe("gpu-box");
  });
});
