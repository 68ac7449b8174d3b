import { describe, expect, it } from "vitest";
import { anyRunning, newlyKept, type Refit, refitsByTrial } from "./refits";

function refit(trial_number: number, state: Refit["state"], model_id: string | null = null): Refit {
  return { id: `r${trial_number}`, job_id: "job", trial_number, state, model_id, error: state === "failed" ? "boom" : null, started_at: "2026-01-01T00:00:00Z", finished_at: null };
}

describe("refits on the leaderboard", () => {
  it("finds each row's refit by trial number", () => {
    const byTrial = refitsByTrial([refit(3, "running"), refit(7, "completed", "m7")]);
    expect(byTrial.get(7)?.model_id).toBe("m7");
    expect(byTrial.get(4)).toBeUndefined();
  });

  it("polls only while a refit runs", () => {
    expect(anyRunning([refit(1, "completed", "m"), refit(2, "running")])).toBe(true);
    expect(anyRunning([refit(1, "failed")])).toBe(false);
    expect(anyRunning(undefined)).toBe(false);
  });

  it("names the trials whose refit just finished with a model, not failures or ones kept before", () => {
    const before = [refit(1, "running"), refit(2, "running"), refit(3, "completed", "m3")];
    const after = [refit(1, "completed", "m1"), refit(2, "failed"), refit(3, "completed", "m3")];
    expect(newlyKept(before, after)).toEqual([1]);
    expect(newlyKept(undefined, after)).toEqual([]);
  });
});
