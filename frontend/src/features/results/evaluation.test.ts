import { describe, expect, it } from "vitest";
import {
  MAX_ROC_POINTS,
  MAX_SCATTER_POINTS,
  accuracyPct,
  cellIntensity,
  maxCell,
  normalizeConfusion,
  residualBars,
  rocSeries,
  scatterData,
} from "./evaluation";

describe("normalizeConfusion", () => {
  it("gives each cell its share of the actual class's row", () => {
    const cells = normalizeConfusion([
      [8, 2],
      [1, 3],
    ]);
    expect(cells.map((row) => row.map((c) => c.rowPct))).toEqual([
      [80, 20],
      [25, 75],
    ]);
    expect(cells[1]?.[0]?.count).toBe(1);
  });

  it("leaves an empty row at 0% rather than dividing by zero", () => {
    const cells = normalizeConfusion([
      [0, 0],
      [5, 5],
    ]);
    expect(cells[0]?.map((c) => c.rowPct)).toEqual([0, 0]);
    expect(cells[1]?.map((c) => c.rowPct)).toEqual([50, 50]);
  });

  it("colours by count against the largest cell, or by row share", () => {
    const matrix = [
      [8, 2],
      [1, 3],
    ];
    const cell = normalizeConfusion(matrix)[1]?.[1];
    if (!cell) throw new Error("missing cell");
    expect(maxCell(matrix)).toBe(8);
    expect(cellIntensity(cell, "count", 8)).toBeCloseTo(3 / 8);
    expect(cellIntensity(cell, "percent", 8)).toBeCloseTo(0.75);
    expect(cellIntensity(cell, "count", 0)).toBe(0);
  });

  it("computes accuracy from the diagonal", () => {
    expect(
      accuracyPct([
        [8, 2],
        [1, 3],
      ]),
    ).toBeCloseTo((11 / 14) * 100);
    expect(accuracyPct([[0]])).toBeNull();
  });
});

describe("rocSeries", () => {
  it("sorts points by false-positive rate, anchors both ends and names the legend with the AUC", () => {
    const [series] = rocSeries([
      {
        label: "yes",
        auc: 0.91234,
        points: [
          { fpr: 0.5, tpr: 0.9 },
          { fpr: 0.1, tpr: 0.6 },
        ],
      },
    ]);
    expect(series?.name).toBe("yes (AUC 0.912)");
    expect(series?.points).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 0.1, tpr: 0.6 },
      { fpr: 0.5, tpr: 0.9 },
      { fpr: 1, tpr: 1 },
    ]);
  });

  it("does not duplicate anchors the curve already has and puts the best AUC first", () => {
    const curves = [
      { label: "a", auc: 0.7, points: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
      { label: "b", auc: 0.95, points: [{ fpr: 0, tpr: 0 }, { fpr: 0.2, tpr: 0.9 }, { fpr: 1, tpr: 1 }] },
    ];
    const series = rocSeries(curves);
    expect(series.map((s) => s.label)).toEqual(["b", "a"]);
    expect(series[1]?.points).toHaveLength(2);
  });

  it("thins very long curves but keeps both ends", () => {
    const points = Array.from({ length: 5000 }, (_, i) => ({ fpr: i / 4999, tpr: Math.sqrt(i / 4999) }));
    const [series] = rocSeries([{ label: "x", auc: 0.66, points }]);
    expect(series?.points).toHaveLength(MAX_ROC_POINTS);
    expect(series?.points[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(series?.points.at(-1)).toEqual({ fpr: 1, tpr: 1 });
  });
});

describe("residualBars", () => {
  it("orders bins, puts each bar at its bin's middle and labels its range", () => {
    const bars = residualBars([
      { start: 0, end: 0.5, count: 7 },
      { start: -0.5, end: 0, count: 4 },
    ]);
    expect(bars).toEqual([
      { mid: -0.25, range: "-0.5 to 0", start: -0.5, end: 0, count: 4 },
      { mid: 0.25, range: "0 to 0.5", start: 0, end: 0.5, count: 7 },
    ]);
  });

  it("rounds long edges in the label", () => {
    expect(residualBars([{ start: 1.234567, end: 2.345678, count: 1 }])[0]?.range).toBe("1.23 to 2.35");
  });
});


describe("scatterData", () => {
  it("shares one range between both axes so y = x is the diagonal", () => {
    const data = scatterData([
      { actual: 1, predicted: 4 },
      { actual: 3, predicted: -2 },
      { actual: Number.NaN, predicted: 100 },
    ]);
    expect(data).toMatchObject({ min: -2, max: 4, sampled: false });
    expect(scatterData([{ actual: 37.554, predicted: 50 }, { actual: 400, predicted: 423.58 }])).toMatchObject({ min: 0, max: 450 });
    expect(data.points).toHaveLength(2);
  });

  it("samples very many points evenly and widens a zero-width range", () => {
    const many = Array.from({ length: MAX_SCATTER_POINTS * 3 }, () => ({ actual: 5, predicted: 5 }));
    const data = scatterData(many);
    expect(data.points).toHaveLength(MAX_SCATTER_POINTS);
    expect(data).toMatchObject({ min: 5, max: 6, sampled: true });
  });
});
