import { describe, expect, it } from "vitest";
import type { RowExplanation } from "../../api/types";
import { asProbability, contributionLabel, explanationSummary, formatDelta, scaleLabel, waterfallSteps } from "./explanation";

const binary: RowExplanation = {
  base_value: 0.2,
  output_value: 0.55,
  output_scale: "probability",
  explained_class: "Yes",
  method: "tree",
  contributions: [
    { column: "OverTime", value: "Yes", contribution: 0.3 },
    { column: "MonthlyIncome", value: 2100, contribution: 0.1 },
    { column: "YearsAtCompany", value: null, contribution: -0.08 },
    { column: "other columns", value: null, contribution: 0.03 },
  ],
};

describe("waterfallSteps", () => {
  it("starts at the base value, walks each contribution and ends at the row's output", () => {
    const steps = waterfallSteps(binary);
    expect(steps.map((s) => s.kind)).toEqual(["base", "up", "up", "down", "up", "total"]);
    expect(steps.map((s) => s.label)).toEqual([
      "Average row",
      "OverTime = Yes",
      "MonthlyIncome = 2100",
      "YearsAtCompany = missing",
      "Other columns",
      "This row",
    ]);
    // Each step starts where the last ended; the last contribution ends at the output.
    expect(steps[1]?.start).toBeCloseTo(0.2);
    expect(steps[2]?.start).toBeCloseTo(0.5);
    expect(steps[3]?.range[0]).toBeCloseTo(0.52);
    expect(steps[3]?.range[1]).toBeCloseTo(0.6);
    expect(steps[4]?.end).toBeCloseTo(0.55);
    expect(steps[5]?.range).toEqual([0, 0.55]);
  });

  it("labels every bar with its sign in text, not colour alone", () => {
    const steps = waterfallSteps(binary);
    expect(steps[1]?.text).toBe("\u25B2 +30 pts");
    expect(steps[3]?.text).toBe("\u25BC \u22128 pts");
    expect(steps[0]?.text).toBe("20%");
    expect(steps[5]?.text).toBe("55%");
  });

  it("keeps ranges ordered when a log-odds base is negative", () => {
    const steps = waterfallSteps({ ...binary, output_scale: "log_odds", base_value: -1.5, output_value: -1.15 });
    // The walk goes from -1.5 up to -1.1: the axis starts 15% of that span below it, and base and total rise from there.
    const start = -1.5 - 0.4 * 0.15;
    expect(steps[0]?.range[0]).toBeCloseTo(start);
    expect(steps[0]?.range[1]).toBeCloseTo(-1.5);
    expect(steps[5]?.range[0]).toBeCloseTo(start);
    expect(steps[1]?.text).toBe("\u25B2 +0.3");
  });
});

describe("words", () => {
  it("names the scale and the explained class", () => {
    expect(scaleLabel(binary, "Attrition")).toBe("probability of Yes");
    expect(scaleLabel({ ...binary, output_scale: "log_odds" }, "Attrition")).toBe("log-odds of Yes");
    expect(scaleLabel({ ...binary, output_scale: "value", explained_class: null }, "minutes")).toBe("predicted minutes");
  });

  it("formats signed changes with a real minus sign", () => {
    expect(formatDelta(-0.123, "probability")).toBe("\u221212.3 pts");
    expect(formatDelta(2.5, "value")).toBe("+2.5");
  });

  it("turns log-odds into a probability and leaves values alone", () => {
    expect(asProbability({ ...binary, output_scale: "log_odds", output_value: 0 })).toBeCloseTo(0.5);
    expect(asProbability(binary)).toBe(0.55);
    expect(asProbability({ ...binary, output_scale: "value" })).toBeNull();
  });

  it("summarises the strongest push each way", () => {
    const text = explanationSummary(binary, "Attrition");
    expect(text).toContain("OverTime = Yes raises it most (+30 pts)");
    expect(text).toContain("YearsAtCompany = missing lowers it most (\u22128 pts)");
    expect(text).toContain("ends at 55%");
    expect(contributionLabel({ column: "other columns", value: null, contribution: 1 })).toBe("Other columns");
  });
});
