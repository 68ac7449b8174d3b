import { describe, expect, it } from "vitest";
import { makeTrial } from "../../test/factories";
import { curveChartPoints, extendCurve } from "./curve";
import type { Curve } from "../../api/hooks/jobs";

const START = Date.parse("2025-01-01T10:00:00Z");

function makeCurve(points: Curve["points"] = [], greaterIsBetter = true): Curve {
  return { job_id: "a".repeat(32), metric: "roc_auc", greater_is_better: greaterIsBetter, points };
}

const first = { seconds: 3, best_score: 0.8, trial_number: 0, algorithm: "lightgbm" };

describe("extendCurve", () => {
  it("appends an improving trial at its finish time since the start", () => {
    const trial = makeTrial({ trial_number: 5, score: 0.9, algorithm: "xgboost", finished_at: "2025-01-01T10:00:42Z" });
    const next = extendCurve(makeCurve([first]), trial, START);
    expect(next.points.at(-1)).toEqual({ seconds: 42, best_score: 0.9, trial_number: 5, algorithm: "xgboost" });
  });

  it("ignores trials that do not improve, failed ones and replays", () => {
    const curve = makeCurve([first]);
    expect(extendCurve(curve, makeTrial({ trial_number: 1, score: 0.7 }), START)).toBe(curve);
    expect(extendCurve(curve, makeTrial({ trial_number: 1, status: "failed", score: null }), START)).toBe(curve);
    expect(extendCurve(curve, makeTrial({ trial_number: 0, score: 0.95 }), START)).toBe(curve);
    expect(extendCurve(curve, makeTrial({ trial_number: 1, score: 0.99 }), null)).toBe(curve);
  });

  it("follows the metric's direction", () => {
    const curve = makeCurve([{ ...first, best_score: 3 }], false);
    expect(extendCurve(curve, makeTrial({ trial_number: 1, score: 4 }), START)).toBe(curve);
    expect(extendCurve(curve, makeTrial({ trial_number: 1, score: 2 }), START).points).toHaveLength(2);
  });

  it("starts an empty curve with any scored trial", () => {
    const next = extendCurve(makeCurve(), makeTrial({ finished_at: "2025-01-01T10:00:03Z" }), START);
    expect(next.points).toEqual([first]);
  });
});

describe("curveChartPoints", () => {
  it("carries the last best on to now while the job runs", () => {
    const points = curveChartPoints(makeCurve([first]), 60);
    expect(points).toEqual([
      { seconds: 3, best: 0.8, trial: 0, algorithm: "lightgbm" },
      { seconds: 60, best: 0.8, trial: null, algorithm: null },
    ]);
  });

  it("adds nothing once the job is over or before the first point", () => {
    expect(curveChartPoints(makeCurve([first]), null)).toHaveLength(1);
    expect(curveChartPoints(makeCurve([first]), 2)).toHaveLength(1);
    expect(curveChartPoints(makeCurve(), 60)).toEqual([]);
  });
});
