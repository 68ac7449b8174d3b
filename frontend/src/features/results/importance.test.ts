import { describe, expect, it } from "vitest";
import { importanceBars } from "./importance";

describe("importanceBars", () => {
  it("sorts by magnitude, keeps the top ones and scales to the largest", () => {
    const bars = importanceBars({ age: 0.2, sex: 0.5, fare: -0.1, cabin: 0 }, 3);
    expect(bars.map((bar) => [bar.feature, bar.width])).toEqual([
      ["sex", 100],
      ["age", 40],
      ["fare", 20],
    ]);
  });

  it("handles no importances", () => {
    expect(importanceBars({})).toEqual([]);
  });
});
