import { describe, expect, it } from "vitest";
import { directionFromSchema, evaluationTable, shapeFigure } from "./figureData";

describe("shapeFigure", () => {
  it("draws ROC curves as lines with their AUC, per class", () => {
    const shaped = shapeFigure({ kind: "roc", curves: [{ class: "1", fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], auc: 0.8123 }] });
    expect(shaped).toMatchObject({ chart: "lines", diagonal: true, series: [{ name: "class 1 (AUC 0.812)" }] });
    if (shaped.chart === "lines") expect(shaped.series[0]?.points[1]).toEqual({ x: 0.5, y: 0.8 });
  });

  it("shapes precision-recall, residuals, predicted vs actual, importance and learning curves", () => {
    expect(shapeFigure({ kind: "precision_recall", curves: [{ class: "a", recall: [0, 1], precision: [1, 0.5] }] })).toMatchObject({
      chart: "lines",
      xLabel: "recall",
    });
    expect(shapeFigure({ kind: "residuals", predicted: [1, 2], residual: [0.5, -0.5] })).toMatchObject({ chart: "scatter", zeroLine: true });
    const pva = shapeFigure({ kind: "predicted_vs_actual", actual: [3], predicted: [2.5] });
    expect(pva.chart === "scatter" && pva.series[0]?.points).toEqual([{ x: 3, y: 2.5 }]);
    expect(shapeFigure({ kind: "feature_importance", features: ["age", "fare"], importance: [0.7, 0.3] })).toEqual({
      chart: "bars",
      kind: "feature_importance",
      bars: [
        { name: "age", value: 0.7 },
        { name: "fare", value: 0.3 },
      ],
    });
    expect(shapeFigure({ kind: "learning_curve", metric: "roc_auc", trial: [0, 1], score: [0.7, 0.8], algorithm: ["a", "b"] })).toMatchObject({
      chart: "lines",
      yLabel: "roc_auc",
    });
  });

  it("groups a cluster scatter by cluster, noise last named", () => {
    const shaped = shapeFigure({ kind: "cluster_scatter", x: [0, 1, 2], y: [0, 1, 2], cluster: [1, 0, -1] });
    expect(shaped.chart === "scatter" && shaped.series.map((item) => item.name)).toEqual(["noise", "cluster 0", "cluster 1"]);
  });

  it("keeps a confusion matrix square and refuses broken data with a message", () => {
    expect(shapeFigure({ kind: "confusion_matrix", labels: ["a", "b"], matrix: [[3, 1], [0, 4]] })).toMatchObject({ chart: "matrix" });
    expect(shapeFigure({ kind: "confusion_matrix", labels: ["a", "b"], matrix: [[3]] })).toMatchObject({ chart: "invalid" });
    expect(shapeFigure({ kind: "roc" })).toMatchObject({ chart: "invalid", error: "The roc figure has no curves." });
    expect(shapeFigure({ kind: "sankey" })).toMatchObject({ chart: "invalid" });
    expect(shapeFigure(null)).toMatchObject({ chart: "invalid" });
  });
});

describe("evaluationTable", () => {
  const rows = [
    { node_id: "m1", label: "LR", algorithm: "logistic_regression", accuracy: 0.8, log_loss: 0.45 },
    { node_id: "m2", label: "AutoML", algorithm: "xgboost", accuracy: 0.84, log_loss: 0.41 },
    { node_id: "m3", label: "Tree", algorithm: "decision_tree", accuracy: 0.84, log_loss: null },
  ];

  it("marks the best of each metric by its direction, ties all marked, nulls skipped", () => {
    const table = evaluationTable(rows, directionFromSchema({ "x-flowml-metrics": [{ name: "accuracy", greater_is_better: true }] }));
    expect(table.metrics).toEqual(["accuracy", "log_loss"]);
    expect(table.best).toEqual({ accuracy: [1, 2], log_loss: [1] });
  });

  it("uses the catalogue's direction over the name's", () => {
    const table = evaluationTable(rows, directionFromSchema({ "x-flowml-metrics": [{ name: "accuracy", greater_is_better: false }] }));
    expect(table.best.accuracy).toEqual([0]);
  });
});
