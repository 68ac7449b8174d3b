import { describe, expect, it } from "vitest";
import type { Model } from "../../api/types";
import { makeModel } from "../../test/factories";
import { filterModels, nextModelSort, sortModels } from "./models";

function model(id: string, overrides: Partial<Model>): Model {
  return makeModel({
    id,
    job_id: "j",
    dataset_id: "d",
    algorithm: "lightgbm",
    problem_type: "binary",
    target: "Survived",
    metric: "roc_auc",
    cv_score: 0.8,
    classes: null,
    feature_importance: {},
    card: { input_schema: [], problem_type: "binary", target: "Survived", metric: "roc_auc", algorithm: "lightgbm" },
    sha256: "",
    size_bytes: 0,
    created_at: "2025-01-01T10:00:00Z",
    ...overrides,
  });
}

const models = [
  model("a1", { algorithm: "Random_Forest", cv_score: 0.9, created_at: "2025-01-02T10:00:00Z" }),
  model("b2", { algorithm: "lightgbm", target: "price", problem_type: "regression", metric: "rmse", cv_score: null }),
  model("c3", { algorithm: "ensemble", cv_score: 0.85, created_at: "2025-01-03T10:00:00Z" }),
];

const ids = (items: Model[]) => items.map((m) => m.id);

describe("filterModels", () => {
  it("matches algorithm, target, metric or task, ignoring case", () => {
    expect(ids(filterModels(models, "PRICE"))).toEqual(["b2"]);
    expect(ids(filterModels(models, "forest"))).toEqual(["a1"]);
    expect(ids(filterModels(models, "regression"))).toEqual(["b2"]);
    expect(ids(filterModels(models, "  "))).toEqual(["a1", "b2", "c3"]);
  });
});

describe("sortModels", () => {
  it("sorts by score with unscored models last in both directions", () => {
    expect(ids(sortModels(models, { key: "score", direction: "desc" }))).toEqual(["a1", "c3", "b2"]);
    expect(ids(sortModels(models, { key: "score", direction: "asc" }))).toEqual(["c3", "a1", "b2"]);
  });

  it("sorts by name ignoring case, and by training time", () => {
    expect(ids(sortModels(models, { key: "algorithm", direction: "asc" }))).toEqual(["c3", "b2", "a1"]);
    expect(ids(sortModels(models, { key: "created", direction: "desc" }))).toEqual(["c3", "a1", "b2"]);
  });

  it("flips on the same column, and starts names A to Z", () => {
    expect(nextModelSort({ key: "created", direction: "desc" }, "created")).toEqual({ key: "created", direction: "asc" });
    expect(nextModelSort({ key: "created", direction: "desc" }, "target")).toEqual({ key: "target", direction: "asc" });
  });
});
