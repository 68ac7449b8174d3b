// The shape of GET /api/results/model/{id}/evaluation (generated from the OpenAPI schema), and pure functions
// turning it into chart data.
import type { components } from "../../api/schema";
import { niceRange } from "../../lib/axis";

type Schemas = components["schemas"];
export type RocPoint = Schemas["RocPoint"];
export type RocCurve = Schemas["RocCurve"];
/** `confusion_matrix` rows are the actual class, columns the predicted one, both in `labels` order. */
export type ClassificationEvaluation = Schemas["ClassificationEvaluation"];
export type ResidualBin = Schemas["ResidualBin"];
export type RegressionEvaluation = Schemas["RegressionEvaluation"];
/** `source` says, in words, where the rows came from (out-of-fold predictions of the search). */
export type Evaluation = Schemas["ModelEvaluation"];

// ---------------------------------------------------------------- confusion matrix

export interface MatrixCell {
  count: number;
  /** Share of the row (the actual class), 0..100; 0 for an empty row. */
  rowPct: number;
}

/** Each cell with its share of its row: "of the actual X, what % were predicted as Y". */
export function normalizeConfusion(matrix: readonly (readonly number[])[]): MatrixCell[][] {
  return matrix.map((row) => {
    const total = row.reduce((sum, value) => sum + value, 0);
    return row.map((count) => ({ count, rowPct: total > 0 ? (count / total) * 100 : 0 }));
  });
}

/** 0..1 colour strength of a cell: by row share, or by count relative to the largest cell. */
export function cellIntensity(cell: MatrixCell, mode: "count" | "percent", maxCount: number): number {
  if (mode === "percent") return cell.rowPct / 100;
  return maxCount > 0 ? cell.count / maxCount : 0;
}

export function maxCell(matrix: readonly (readonly number[])[]): number {
  return Math.max(0, ...matrix.flat());
}

/** Correct predictions (the diagonal) over all rows, 0..100; null when the matrix is empty. */
export function accuracyPct(matrix: readonly (readonly number[])[]): number | null {
  const total = matrix.flat().reduce((sum, value) => sum + value, 0);
  if (total === 0) return null;
  const correct = matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  return (correct / total) * 100;
}

// ---------------------------------------------------------------- ROC

export interface RocSeries {
  label: string;
  auc: number;
  /** The legend text: "yes (AUC 0.912)". */
  name: string;
  points: RocPoint[];
}

/** Longer curves are thinned to this many points: a chart cannot show more and Recharts slows down. */
export const MAX_ROC_POINTS = 400;

function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = (items.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => items[Math.round(i * step)] as T);
}

/** One Recharts series per curve, sorted by false-positive rate, anchored at (0,0) and (1,1), best AUC first. */
export function rocSeries(curves: readonly RocCurve[]): RocSeries[] {
  return curves
    .map((curve) => {
      const sorted = curve.points
        .filter((p) => Number.isFinite(p.fpr) && Number.isFinite(p.tpr))
        .sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
      const first = sorted[0];
      const last = sorted[sorted.length - 1];
      if (!first || first.fpr > 0 || first.tpr > 0) sorted.unshift({ fpr: 0, tpr: 0 });
      if (!last || last.fpr < 1 || last.tpr < 1) sorted.push({ fpr: 1, tpr: 1 });
      return { label: curve.label, auc: curve.auc, name: `${curve.label} (AUC ${curve.auc.toFixed(3)})`, points: thin(sorted, MAX_ROC_POINTS) };
    })
    .sort((a, b) => b.auc - a.auc);
}

// ---------------------------------------------------------------- regression

export interface HistogramBar {
  /** The bin's middle, for a numeric axis. */
  mid: number;
  /** "-1.5 to -1", for the tooltip. */
  range: string;
  start: number;
  end: number;
  count: number;
}

function short(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(3)).toString();
}

export function residualBars(bins: readonly ResidualBin[]): HistogramBar[] {
  return [...bins]
    .filter((bin) => Number.isFinite(bin.start) && Number.isFinite(bin.end))
    .sort((a, b) => a.start - b.start)
    .map((bin) => ({ mid: (bin.start + bin.end) / 2, range: `${short(bin.start)} to ${short(bin.end)}`, start: bin.start, end: bin.end, count: bin.count }));
}

/** Scatter points beyond this are sampled evenly: thousands of SVG dots make the page sluggish. */
export const MAX_SCATTER_POINTS = 2000;

export interface ScatterData {
  points: { actual: number; predicted: number }[];
  /** The common range of both axes, so the y = x line is the diagonal. */
  min: number;
  max: number;
  sampled: boolean;
}

export function scatterData(points: readonly { actual: number; predicted: number }[]): ScatterData {
  const finite = points.filter((p) => Number.isFinite(p.actual) && Number.isFinite(p.predicted));
  const shown = thin(finite, MAX_SCATTER_POINTS);
  // A loop, not Math.min(...values): spreading 100k+ values overflows the call stack.
  let min = Infinity;
  let max = -Infinity;
  for (const p of finite) {
    min = Math.min(min, p.actual, p.predicted);
    max = Math.max(max, p.actual, p.predicted);
  }
  if (finite.length === 0) [min, max] = [0, 1];
  if (max <= min) max = min + 1;
  return { points: shown, ...niceRange(min, max), sampled: shown.length < finite.length };
}
