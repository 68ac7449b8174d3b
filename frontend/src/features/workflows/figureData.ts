// A Visualization node's figure JSON (backend/flowml/workflows/figures.py) shaped into what one chart draws, and the
// Evaluation node's comparison table with the best value of each metric marked. Pure, so each kind is tested.

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  points: Point[];
}

export type ShapedFigure =
  | { chart: "lines"; kind: string; xLabel: string; yLabel: string; series: Series[]; diagonal: boolean }
  | { chart: "scatter"; kind: string; xLabel: string; yLabel: string; series: Series[]; zeroLine: boolean }
  | { chart: "bars"; kind: string; bars: { name: string; value: number }[] }
  | { chart: "matrix"; kind: string; labels: string[]; matrix: number[][] }
  | { chart: "invalid"; kind: string; error: string };

const numbers = (value: unknown): number[] | null =>
  Array.isArray(value) && value.every((item) => typeof item === "number") ? (value as number[]) : null;

const strings = (value: unknown): string[] | null => (Array.isArray(value) ? value.map(String) : null);

/** Pairs two equally long lists into points; null when either is missing. */
function zip(xs: unknown, ys: unknown): Point[] | null {
  const a = numbers(xs);
  const b = numbers(ys);
  if (!a || !b) return null;
  return a.slice(0, b.length).map((x, index) => ({ x, y: b[index] as number }));
}

const invalid = (kind: string, what: string): ShapedFigure => ({ chart: "invalid", kind, error: `The ${kind} figure has no ${what}.` });

function curves(kind: string, figure: Record<string, unknown>, xKey: string, yKey: string): ShapedFigure {
  const list = Array.isArray(figure.curves) ? (figure.curves as Record<string, unknown>[]) : null;
  if (!list) return invalid(kind, "curves");
  const series: Series[] = [];
  for (const curve of list) {
    const points = zip(curve[xKey], curve[yKey]);
    if (!points) return invalid(kind, `${xKey}/${yKey} values`);
    const auc = typeof curve.auc === "number" ? ` (AUC ${curve.auc.toFixed(3)})` : "";
    // "class 1 (AUC 0.861)": a bare "1" in the legend reads as a count, not as the positive class.
    const label = curve.class === undefined || curve.class === null ? "" : `class ${String(curve.class)}`;
    series.push({ name: `${label}${auc}`.trim(), points });
  }
  return { chart: "lines", kind, xLabel: xKey === "fpr" ? "false positive rate" : "recall", yLabel: yKey === "tpr" ? "true positive rate" : "precision", series, diagonal: kind === "roc" };
}

/** What to draw for `figure`: its `kind` picks the chart. */
export function shapeFigure(figure: unknown): ShapedFigure {
  if (typeof figure !== "object" || figure === null) return { chart: "invalid", kind: "unknown", error: "No figure data." };
  const data = figure as Record<string, unknown>;
  const kind = typeof data.kind === "string" ? data.kind : "unknown";
  switch (kind) {
    case "roc":
      return curves(kind, data, "fpr", "tpr");
    case "precision_recall":
      return curves(kind, data, "recall", "precision");
    case "confusion_matrix": {
      const labels = strings(data.labels);
      const matrix = Array.isArray(data.matrix) ? data.matrix.map(numbers) : null;
      if (!labels || !matrix || matrix.some((row) => !row || row.length !== labels.length)) return invalid(kind, "matrix");
      return { chart: "matrix", kind, labels, matrix: matrix as number[][] };
    }
    case "residuals": {
      const points = zip(data.predicted, data.residual);
      if (!points) return invalid(kind, "predicted/residual values");
      return { chart: "scatter", kind, xLabel: "predicted", yLabel: "residual (actual − predicted)", series: [{ name: "rows", points }], zeroLine: true };
    }
    case "predicted_vs_actual": {
      const points = zip(data.actual, data.predicted);
      if (!points) return invalid(kind, "actual/predicted values");
      return { chart: "scatter", kind, xLabel: "actual", yLabel: "predicted", series: [{ name: "rows", points }], zeroLine: false };
    }
    case "feature_importance": {
      const names = strings(data.features);
      const values = numbers(data.importance);
      if (!names || !values) return invalid(kind, "features");
      return { chart: "bars", kind, bars: names.slice(0, values.length).map((name, index) => ({ name, value: values[index] as number })) };
    }
    case "cluster_scatter": {
      const points = zip(data.x, data.y);
      const clusters = numbers(data.cluster);
      if (!points || !clusters) return invalid(kind, "points");
      const groups = new Map<number, Point[]>();
      points.forEach((point, index) => {
        const cluster = clusters[index] ?? -1;
        groups.set(cluster, [...(groups.get(cluster) ?? []), point]);
      });
      const series = [...groups.entries()]
        .sort(([a], [b]) => a - b)
        .map(([cluster, group]) => ({ name: cluster < 0 ? "noise" : `cluster ${cluster}`, points: group }));
      return { chart: "scatter", kind, xLabel: "component 1", yLabel: "component 2", series, zeroLine: false };
    }
    case "learning_curve": {
      const points = zip(data.trial, data.score);
      if (!points) return invalid(kind, "trials");
      const metric = typeof data.metric === "string" ? data.metric : "score";
      return { chart: "lines", kind, xLabel: "trial", yLabel: metric, series: [{ name: metric, points }], diagonal: false };
    }
    default:
      return { chart: "invalid", kind, error: `No chart for figures of kind "${kind}".` };
  }
}

// ------------------------------------------------------------------ the Evaluation node's comparison table

export type EvaluationRow = Record<string, unknown> & { node_id?: string; label?: string; algorithm?: string };

const ROW_FIELDS: ReadonlySet<string> = new Set(["node_id", "label", "algorithm"]);

/** Whether a greater value of `metric` is better: from the catalogue when it knows the metric, else by its name. */
export type Direction = (metric: string) => boolean;

export const guessDirection: Direction = (metric) => !/(error|loss|rmse|mse|mae|mape|deviance|davies)/i.test(metric);

export interface EvaluationTable {
  metrics: string[];
  rows: EvaluationRow[];
  /** Per metric, the indexes of the rows holding its best value (ties all marked; none when no row has a value). */
  best: Record<string, number[]>;
}

export function evaluationTable(rows: readonly EvaluationRow[], greaterIsBetter: Direction = guessDirection): EvaluationTable {
  const metrics: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!ROW_FIELDS.has(key) && !metrics.includes(key)) metrics.push(key);
  const best: Record<string, number[]> = {};
  for (const metric of metrics) {
    const sign = greaterIsBetter(metric) ? 1 : -1;
    let top: number | null = null;
    let holders: number[] = [];
    rows.forEach((row, index) => {
      const value = row[metric];
      if (typeof value !== "number" || !Number.isFinite(value)) return;
      if (top === null || sign * value > sign * top) {
        top = value;
        holders = [index];
      } else if (value === top) holders.push(index);
    });
    best[metric] = holders;
  }
  return { metrics, rows: [...rows], best };
}

/** The catalogue's metric directions (the evaluation node's `x-flowml-metrics`), falling back to the name. */
export function directionFromSchema(schema: unknown): Direction {
  const listed = (schema as { "x-flowml-metrics"?: unknown } | null)?.["x-flowml-metrics"];
  const known = new Map<string, boolean>();
  if (Array.isArray(listed)) {
    for (const item of listed as { name?: unknown; greater_is_better?: unknown }[]) {
      if (typeof item.name === "string" && typeof item.greater_is_better === "boolean") known.set(item.name, item.greater_is_better);
    }
  }
  return (metric) => known.get(metric) ?? guessDirection(metric);
}
