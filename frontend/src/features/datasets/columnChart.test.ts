import { describe, expect, it } from "vitest";
import type { ColumnProfile } from "../../api/types";
import { columnChart, histogramBars, topValueBars, valueLabel } from "./columnChart";

function profile(overrides: Partial<ColumnProfile>): ColumnProfile {
  return { name: "x", kind: "numeric", dtype: "Float64", missing: 0, missing_pct: 0, unique: 3, ...overrides };
}

describe("histogramBars", () => {
  it("sizes bars against the tallest and shares against the total", () => {
    const bars = histogramBars([
      { start: 0, end: 5, count: 2 },
      { start: 5, end: 10, count: 6 },
      { start: 10, end: 15, count: 0 },
    ]);
    expect(bars.map((bar) => bar.size)).toEqual([2 / 6, 1, 0]);
    expect(bars.map((bar) => bar.share)).toEqual([0.25, 0.75, 0]);
    expect(bars[0]?.label).toBe("0 to 5");
  });

  it("labels the single bin of a constant column with its value", () => {
    expect(histogramBars([{ start: 7, end: 7, count: 10 }])).toEqual([{ label: "7", count: 10, size: 1, share: 1 }]);
  });
});

describe("topValueBars", () => {
  it("keeps the most frequent values and counts the rest as other", () => {
    const top = [
      { value: "a", count: 50 },
      { value: "b", count: 25 },
      { value: "c", count: 10 },
    ];
    const chart = topValueBars(top, 100, 2);
    expect(chart.bars.map((bar) => [bar.label, bar.size, bar.share])).toEqual([
      ["a", 1, 0.5],
      ["b", 0.5, 0.25],
    ]);
    expect(chart.otherCount).toBe(25);
    expect(chart.otherShare).toBe(0.25);
  });

  it("never reports a negative remainder", () => {
    expect(topValueBars([{ value: true, count: 4 }], 3).otherCount).toBe(0);
  });

  it("names missing and empty values in words", () => {
    expect(valueLabel(null)).toBe("(missing)");
    expect(valueLabel("")).toBe("(empty text)");
    expect(valueLabel(false)).toBe("false");
  });
});

describe("columnChart", () => {
  it("draws a histogram for numbers", () => {
    const chart = columnChart(profile({ histogram: [{ start: 0, end: 1, count: 3 }] }), 3);
    expect(chart?.type).toBe("histogram");
    expect(chart?.total).toBe(3);
  });

  it("draws top values against the non-missing rows for labels", () => {
    const chart = columnChart(
      profile({ kind: "categorical", dtype: "String", missing: 20, top_values: [{ value: "S", count: 60 }] }),
      100,
    );
    expect(chart).toMatchObject({ type: "top-values", total: 80, otherCount: 20, otherShare: 0.25 });
  });

  it("draws nothing for dates or an empty profile", () => {
    expect(columnChart(profile({ kind: "datetime", min: "2020-01-01", max: "2021-01-01" }), 10)).toBeNull();
    expect(columnChart(profile({ histogram: [] }), 10)).toBeNull();
  });
});
