import { describe, expect, it } from "vitest";
import {
  bestCost,
  bestF1,
  choosable,
  costAt,
  describeThreshold,
  gainsMarker,
  gainsRows,
  metricsOf,
  parseCosts,
  pointAt,
  readSavedThreshold,
  type ThresholdTable,
} from "./threshold";

// The server's table for positives at 0.9, 0.6, 0.3 and negatives at 0.7, 0.2, 0.1 (tests/engine/test_threshold.py),
// at a few thresholds instead of all 101.
function table(): ThresholdTable {
  const probs = { pos: [0.9, 0.6, 0.3], neg: [0.7, 0.2, 0.1] };
  const thresholds = [0, 0.1, 0.25, 0.5, 0.65, 0.8, 0.95, 1];
  return {
    positive_label: "yes",
    negative_label: "no",
    n_positive: 3,
    n_negative: 3,
    points: thresholds.map((t) => {
      const tp = probs.pos.filter((p) => p >= t).length;
      const fp = probs.neg.filter((p) => p >= t).length;
      return { threshold: t, tp, fp, tn: 3 - fp, fn: 3 - tp };
    }),
    gains: [
      { fraction: 0, captured: 0 },
      { fraction: 0.5, captured: 2 / 3 },
      { fraction: 1, captured: 1 },
    ],
  };
}

describe("metrics at a threshold", () => {
  it("computes precision, recall, F1 and accuracy from the counts", () => {
    const m = metricsOf({ threshold: 0.5, tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(2 / 3);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.flagged).toBeCloseTo(0.5);
  });

  it("says 'no value' rather than dividing by zero", () => {
    const none = metricsOf({ threshold: 0.99, tp: 0, fp: 0, tn: 3, fn: 3 });
    expect(none.precision).toBeNull();
    expect(none.recall).toBe(0);
    expect(none.f1).toBe(0);
    expect(metricsOf({ threshold: 0.5, tp: 0, fp: 2, tn: 1, fn: 0 }).recall).toBeNull();
  });

  it("moves over the table's own thresholds, never 0 or 1", () => {
    expect(choosable(table()).map((p) => p.threshold)).toEqual([0.1, 0.25, 0.5, 0.65, 0.8, 0.95]);
    expect(pointAt(table(), 0.52)?.threshold).toBe(0.5);
    expect(pointAt(table(), 0)?.threshold).toBe(0.1);
    expect(pointAt(table(), 1)?.threshold).toBe(0.95);
  });
});

describe("presets", () => {
  it("best F1 picks the threshold with the highest F1", () => {
    // 0.25: tp 3, fp 1 -> F1 6/7, the best.
    expect(bestF1(table())?.threshold).toBe(0.25);
  });

  it("best cost minimises FP * cost + FN * cost", () => {
    const t = table();
    expect(costAt(t.points[3]!, { false_positive: 1, false_negative: 5 })).toBe(6);
    // Missing a positive costs a lot: flag more (0.25: one FP, no FN).
    expect(bestCost(t, { false_positive: 1, false_negative: 5 })?.threshold).toBe(0.25);
    // A false alarm costs a lot: flag only the surest row (0.8: no FP, 2 FN, cost 2).
    expect(bestCost(t, { false_positive: 10, false_negative: 1 })?.threshold).toBe(0.8);
  });

  it("ties go to the threshold nearest the default", () => {
    const flat: ThresholdTable = { ...table(), points: [0.2, 0.45, 0.7].map((threshold) => ({ threshold, tp: 1, fp: 1, tn: 1, fn: 1 })) };
    expect(bestF1(flat)?.threshold).toBe(0.45);
  });

  it("parses costs the user typed, with a clear message otherwise", () => {
    expect(parseCosts("1", "5")).toEqual({ costs: { false_positive: 1, false_negative: 5 } });
    expect(parseCosts("", "5")).toEqual({ error: "Enter both costs as numbers." });
    expect(parseCosts("abc", "5")).toEqual({ error: "Enter both costs as numbers." });
    expect(parseCosts("-1", "5")).toEqual({ error: "Costs cannot be negative." });
    expect(parseCosts("0", "0")).toEqual({ error: "At least one of the costs must be more than 0." });
  });
});

describe("gains and lift", () => {
  it("turns the gains curve into percentages with lift over random", () => {
    const rows = gainsRows(table().gains);
    expect(rows[1]).toEqual({ pct: 50, model: (2 / 3) * 100, random: 50, lift: 4 / 3 });
    expect(rows[0]?.lift).toBeNull();
  });

  it("places the threshold on the curve", () => {
    const marker = gainsMarker({ threshold: 0.5, tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(marker?.pct).toBeCloseTo(50);
    expect(marker?.model).toBeCloseTo(66.667, 2);
    expect(marker?.lift).toBeCloseTo(4 / 3);
    expect(gainsMarker({ threshold: 0.5, tp: 0, fp: 1, tn: 2, fn: 0 })).toBeNull();
  });
});

describe("the saved threshold", () => {
  it("reads the card's entry defensively", () => {
    const card = { decision_threshold: { value: 0.37, chosen_by: "best_f1", costs: null, set_at: "2026-01-01T00:00:00Z", set_by: "ana" } };
    expect(readSavedThreshold({ card })).toEqual({ value: 0.37, chosenBy: "best_f1", costs: null, setAt: "2026-01-01T00:00:00Z", setBy: "ana" });
    expect(readSavedThreshold({ card: {} })).toBeNull();
    expect(readSavedThreshold({ card: { decision_threshold: { value: "0.3" } } })).toBeNull();
    expect(readSavedThreshold({ card: { decision_threshold: { value: 0.3, chosen_by: "?" } } })?.chosenBy).toBe("manual");
  });

  it("describes it in words", () => {
    expect(describeThreshold(null)).toBe("0.5 (default: the more likely class)");
    const base = { costs: null, setAt: null, setBy: null };
    expect(describeThreshold({ ...base, value: 0.37, chosenBy: "best_f1" })).toBe("0.37, chosen for best F1");
    expect(describeThreshold({ ...base, value: 0.2, chosenBy: "manual" })).toBe("0.2, set by hand");
    expect(describeThreshold({ ...base, value: 0.21, chosenBy: "best_cost", costs: { false_positive: 1, false_negative: 5 } })).toBe(
      "0.21, chosen for lowest cost (false positive 1, false negative 5)",
    );
  });
});
