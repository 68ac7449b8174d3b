import { describe, expect, it } from "vitest";
import { importanceBars, signedImportance } from "./importance";

describe("importanceBars", () => {
  it("ranks by signed value, so a negative importance comes after every positive one", () => {
    const chart = importanceBars({ OverTime: 0.12, Department: -0.019, Age: 0.01, JobSatisfaction: 0.05, Gender: 0 });
    expect(chart.bars.map((bar) => bar.feature)).toEqual(["OverTime", "JobSatisfaction", "Age", "Gender", "Department"]);
    expect(chart.bars.map((bar) => bar.negative)).toEqual([false, false, false, false, true]);
    expect(chart.anyNegative).toBe(true);
  });

  it("draws negative bars left of zero and positive ones right of it, on one scale", () => {
    const chart = importanceBars({ good: 0.3, noise: -0.1 });
    expect(chart.zero).toBeCloseTo(25);
    const [good, noise] = chart.bars;
    expect(good).toMatchObject({ offset: 25, negative: false });
    expect(good?.width).toBeCloseTo(75);
    expect(noise?.width).toBeCloseTo(25);
    expect(noise?.offset).toBeCloseTo(0);
    // The negative bar ends exactly at zero.
    expect((noise?.offset ?? 0) + (noise?.width ?? 0)).toBeCloseTo(chart.zero);
  });

  it("puts zero at the left edge when nothing is negative", () => {
    const chart = importanceBars({ a: 0.5, b: 0.25 });
    expect(chart.zero).toBe(0);
    expect(chart.bars.map((bar) => [bar.offset, bar.width])).toEqual([
      [0, 100],
      [0, 50],
    ]);
    expect(chart.anyNegative).toBe(false);
  });

  it("keeps the top ones by value and counts the rest", () => {
    const chart = importanceBars({ a: 0.2, b: 0.5, c: -0.1, d: 0.05 }, 2);
    expect(chart.bars.map((bar) => bar.feature)).toEqual(["b", "a"]);
    expect(chart.hidden).toBe(2);
  });

  it("handles no importances, all zero, and non-finite values", () => {
    expect(importanceBars({})).toEqual({ bars: [], zero: 0, hidden: 0, anyNegative: false });
    const zeros = importanceBars({ a: 0, b: Number.NaN });
    expect(zeros.bars).toEqual([{ feature: "a", value: 0, negative: false, offset: 0, width: 0 }]);
  });
});

describe("signedImportance", () => {
  it("writes the sign with a true minus", () => {
    expect(signedImportance(0.1234)).toBe("+0.123");
    expect(signedImportance(-0.019)).toBe("\u22120.019");
    expect(signedImportance(0.0001)).toBe("0");
    expect(signedImportance(-0.0001)).toBe("0");
  });
});
