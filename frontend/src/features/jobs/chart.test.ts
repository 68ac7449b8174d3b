import { describe, expect, it } from "vitest";
import { makeTrial } from "../../test/factories";
import { bestScoreSeries } from "./chart";
import { backoffDelay, jobSocketUrl } from "./reconnect";

describe("bestScoreSeries", () => {
  it("tracks the running best in trial order and skips failed trials", () => {
    const trials = [
      makeTrial({ trial_number: 2, score: 0.7 }),
      makeTrial({ trial_number: 0, score: 0.8 }),
      makeTrial({ trial_number: 1, status: "failed", score: null }),
      makeTrial({ trial_number: 3, score: 0.9 }),
    ];
    expect(bestScoreSeries(trials, true).map((p) => [p.trial, p.best])).toEqual([
      [0, 0.8],
      [2, 0.8],
      [3, 0.9],
    ]);
    expect(bestScoreSeries(trials, false).map((p) => p.best)).toEqual([0.8, 0.7, 0.7]);
  });
});

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
    const { jobTiming } = await import("./timing");
    const { makeJob } = await import("../../test/factories");
    const now = Date.parse("2025-01-01T10:00:31Z");
    expect(jobTiming(makeJob(), now)).toEqual({ elapsed: 30, remaining: 30 });
    const done = makeJob({ status: "completed", finished_at: "2025-01-01T10:00:11Z" });
    expect(jobTiming(done, now)).toEqual({ elapsed: 10, remaining: null });
  });
});
