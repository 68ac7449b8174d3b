import { describe, expect, it } from "vitest";
import { makeJob } from "../test/factories";
import { etaLabel, jobEta, stageIndex } from "./jobTiming";

// makeJob: started 10:00:01, deadline 10:01:01 (a one-minute budget), one trial done.
const at = (time: string) => Date.parse(`2025-01-01T${time}Z`);

describe("jobEta", () => {
  it("counts down to the deadline while searching", () => {
    const now = at("10:00:31");
    expect(jobEta(makeJob(), now)).toEqual({ seconds: 30, at: at("10:01:01"), basis: "budget" });
  });

  it("falls back to started + time budget without a deadline", () => {
    const job = makeJob({ deadline: null, time_budget: 2 });
    expect(jobEta(job, at("10:01:01"))).toMatchObject({ seconds: 60, basis: "budget" });
  });

  it("uses the trial limit when the pace so far reaches it first", () => {
    // 4 trials in 20 s: 5 s a trial, 2 more to go = 10 s, before the deadline's 40 s.
    const job = makeJob({ max_trials: 6, n_trials: 4 });
    expect(jobEta(job, at("10:00:21"))).toMatchObject({ seconds: 10, basis: "trials" });
    // 1 trial in 20 s, 5 more = 100 s: the deadline comes first.
    expect(jobEta(makeJob({ max_trials: 6, n_trials: 1 }), at("10:00:21"))).toMatchObject({ basis: "budget" });
  });

  it("has no number while queued, when finalizing, past the deadline or finished", () => {
    expect(jobEta(makeJob({ status: "queued", started_at: null }), at("10:00:10")).basis).toBe("queued");
    expect(jobEta(makeJob({ stage: "finalizing" }), at("10:00:10"))).toEqual({
      seconds: null,
      at: null,
      basis: "finishing",
    });
    expect(jobEta(makeJob(), at("10:02:00")).basis).toBe("finishing");
    expect(jobEta(makeJob({ status: "completed" }), at("10:00:10"))).toEqual({ seconds: null, at: null, basis: null });
  });

  it("says it in plain words", () => {
    const clock = () => "10:01";
    expect(etaLabel(jobEta(makeJob(), at("10:00:31")), clock)).toBe(
      "About 30s left (done around 10:01, when the time budget ends)",
    );
    expect(etaLabel({ seconds: null, at: null, basis: "queued" }, clock)).toMatch(/Waiting/);
    expect(etaLabel({ seconds: null, at: null, basis: null }, clock)).toBe("");
  });
});

describe("stageIndex", () => {
  it("follows the stage, and puts a completed job at done", () => {
    expect(stageIndex(makeJob({ stage: "searching" }))).toBe(2);
    expect(stageIndex(makeJob({ status: "completed", stage: "finalizing" }))).toBe(4);
    expect(stageIndex(makeJob({ status: "queued", stage: "queued" }))).toBe(0);
  });
});
