import { describe, expect, it } from "vitest";
import { makeTrial } from "../../test/factories";
import { ALGORITHM_COLORS, scoreDomain, trialChartData } from "./chart";
import { backoffDelay, jobSocketUrl } from "../../api/jobSocketRules";

describe("reconnect", () => {
  it("backs off exponentially up to 30 s", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 10].map((n) => backoffDelay(n, mid))).toEqual([1000, 2000, 4000, 30000]);
  });

  it("builds ws and wss URLs with since", () => {
    expect(jobSocketUrl({ protocol: "http:", host: "localhost:8000" }, "abc")).toBe("ws://localhost:8000/ws/jobs/abc");
    expect(jobSocketUrl({ protocol: "https:", host: "x.io" }, "abc", 12)).toBe("wss://x.io/ws/jobs/abc?since=12");
  });
});

describe("jobTiming", () => {
  it("counts elapsed from start and time left to the deadline while running", async () => {
    const { jobTiming } = await import("../../lib/jobTiming");
    const { makeJob } = await import("../../test/factories");
    const now = Date.parse("2025-01-01T10:00:31Z");
    expect(jobTiming(makeJob(), now)).toEqual({ elapsed: 30, remaining: 30 });
    const done = makeJob({ status: "completed", finished_at: "2025-01-01T10:00:11Z" });
    expect(jobTiming(done, now)).toEqual({ elapsed: 10, remaining: null });
  });
});

describe("trialChartData", () => {
  it("groups scored trials by algorithm, colours them by the job's algorithm order, and marks failures", () => {
    const trials = [
      makeTrial({ trial_number: 3, algorithm: "xgboost", score: 0.6, worker: "gpu-box" }),
      makeTrial({ trial_number: 0, algorithm: "lightgbm", score: 0.8 }),
      makeTrial({ trial_number: 1, algorithm: "xgboost", status: "failed", score: null, error: "out of memory" }),
      makeTrial({ trial_number: 2, algorithm: "lightgbm", score: 0.9 }),
      makeTrial({ trial_number: 4, algorithm: "lightgbm", status: "running", score: null }),
    ];
    const { series, failed } = trialChartData(trials, ["logistic_regression", "lightgbm", "xgboost"]);
    expect(series.map((s) => [s.algorithm, s.color, s.points.map((p) => [p.trial, p.score])])).toEqual([
      ["lightgbm", ALGORITHM_COLORS[1], [[0, 0.8], [2, 0.9]]],
      ["xgboost", ALGORITHM_COLORS[2], [[3, 0.6]]],
    ]);
    expect(series[1]?.points[0]?.worker).toBe("gpu-box");
    // Failed trials sit at the lowest score drawn; running ones are not drawn at all.
    expect(failed).toEqual([
      { trial: 1, score: 0.6, algorithm: "xgboost", status: "failed", error: "out of memory" },
    ]);
  });

  it("colours an algorithm the job did not list after the listed ones, and has a baseline without scores", () => {
    const data = trialChartData([makeTrial({ algorithm: "ensemble" })], ["lightgbm"]);
    expect(data.series[0]?.color).toBe(ALGORITHM_COLORS[1]);
    expect(trialChartData([makeTrial({ status: "timeout", score: null })]).failed[0]?.score).toBe(0);
  });
});

describe("scoreDomain", () => {
  it("never runs past a metric's upper bound: an AUC axis stops at 1", () => {
    const [low, high] = scoreDomain([0.95, 0.99, 1], { lower: 0, upper: 1 });
    expect(high).toBe(1);
    expect(low).toBeGreaterThanOrEqual(0);
    expect(low).toBeLessThan(0.95);
  });

  it("never goes below an error's lower bound of 0", () => {
    expect(scoreDomain([0, 0.5], { lower: 0, upper: null })[0]).toBe(0);
  });

  it("pads freely where the metric has no bound", () => {
    const [low, high] = scoreDomain([-2, 0.5], { lower: null, upper: 1 });
    expect(low).toBeLessThan(-2);
    expect(high).toBeLessThanOrEqual(1);
    expect(high).toBeGreaterThan(0.5);
  });

  it("gives a usable range for one score and for none", () => {
    const [low, high] = scoreDomain([1, 1], { lower: 0, upper: 1 });
    expect(high).toBe(1);
    expect(low).toBeLessThan(1);
    expect(scoreDomain([], { lower: 0, upper: 1 })).toEqual([0, 1]);
    expect(scoreDomain([], { lower: null, upper: null })).toEqual([0, 1]);
  });
});
