import { describe, expect, it } from "vitest";
import {
  alignImportances,
  bestOf,
  bestPerMetric,
  type ComparedModel,
  importanceScale,
  lowestOf,
  parseCompareTarget,
  toggleSelection,
} from "./compare";
import { compareUrl } from "../../lib/links";

function model(id: string, metrics: Record<string, number>, importance: Record<string, number> = {}, extra: Partial<ComparedModel> = {}): ComparedModel {
  return {
    id,
    display_name: id,
    algorithm: "random_forest",
    job_id: "job",
    trial_number: null,
    kind: "trial",
    trials: [],
    metrics,
    validation_label: "5-fold cross-validation",
    fit_time: 1,
    predict_time_per_row: 0.001,
    size_bytes: 100,
    created_at: "2026-01-01T00:00:00Z",
    feature_importance: importance,
    roc: [],
    regression: null,
    evaluation_source: null,
    evaluation_missing: null,
    ...extra,
  };
}

describe("best per metric", () => {
  const models = [model("a", { roc_auc: 0.8, log_loss: 0.5 }), model("b", { roc_auc: 0.9, log_loss: 0.6 }), model("c", { roc_auc: 0.85 })];

  it("takes the highest where greater is better and the lowest where it is not", () => {
    const best = bestPerMetric(models, [
      { name: "roc_auc", label: "ROC AUC", greater_is_better: true },
      { name: "log_loss", label: "Log loss", greater_is_better: false },
    ]);
    expect([...(best.get("roc_auc") ?? [])]).toEqual(["b"]);
    expect([...(best.get("log_loss") ?? [])]).toEqual(["a"]);
  });

  it("marks every model that ties for best, and none when fewer than two have a value", () => {
    const tied = [model("a", { r2: 0.5 }), model("b", { r2: 0.5 }), model("c", { r2: 0.1 })];
    expect([...bestOf(tied, { name: "r2", label: "R²", greater_is_better: true })]).toEqual(["a", "b"]);
    const lonely = [model("a", { mae: 3 }), model("b", {})];
    expect(bestOf(lonely, { name: "mae", label: "MAE", greater_is_better: false }).size).toBe(0);
  });

  it("finds the fastest and smallest, ignoring unknown values", () => {
    const speed = [model("a", {}, {}, { fit_time: 2 }), model("b", {}, {}, { fit_time: 0.5 }), model("c", {}, {}, { fit_time: null })];
    expect([...lowestOf(speed, (m) => m.fit_time)]).toEqual(["b"]);
    expect(lowestOf([model("a", {}, {}, { fit_time: null }), model("b", {}, {}, { fit_time: 1 })], (m) => m.fit_time).size).toBe(0);
  });
});

describe("aligned importances", () => {
  it("gives every model the same column order, by the largest absolute value any model gave, signs kept", () => {
    const rows = alignImportances([
      model("a", {}, { OverTime: 0.1, Age: 0.02, Department: -0.019 }),
      model("b", {}, { OverTime: 0.05, MonthlyIncome: 0.3 }),
    ]);
    expect(rows.map((r) => r.column)).toEqual(["MonthlyIncome", "OverTime", "Age", "Department"]);
    expect(rows[0]?.values).toEqual([null, 0.3]);
    expect(rows[3]?.values).toEqual([-0.019, null]);
    expect(importanceScale(rows)).toBe(0.3);
  });

  it("keeps at most `limit` columns", () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`c${i}`, i]));
    expect(alignImportances([model("a", {}, many)], 5).map((r) => r.column)).toEqual(["c19", "c18", "c17", "c16", "c15"]);
  });
});

describe("what to compare", () => {
  it("reads models or jobs from the URL, duplicates dropped, and needs two", () => {
    expect(parseCompareTarget(new URLSearchParams("models=a,b,a"))).toEqual({ kind: "models", ids: ["a", "b"] });
    expect(parseCompareTarget(new URLSearchParams("jobs=x, y"))).toEqual({ kind: "jobs", ids: ["x", "y"] });
    expect(parseCompareTarget(new URLSearchParams("models=a"))).toBeNull();
    expect(parseCompareTarget(new URLSearchParams(""))).toBeNull();
  });

  it("builds the URL the page parses, and toggles a selection in picking order", () => {
    expect(compareUrl("models", ["a", "b"])).toBe("/compare?models=a,b");
    expect(parseCompareTarget(new URLSearchParams(compareUrl("jobs", ["x", "y z"]).split("?")[1]))).toEqual({
      kind: "jobs",
      ids: ["x", "y z"],
    });
    expect(toggleSelection(["a"], "b")).toEqual(["a", "b"]);
    expect(toggleSelection(["a", "b"], "a")).toEqual(["b"]);
  });
});
