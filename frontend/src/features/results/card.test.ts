import { describe, expect, it } from "vitest";
import type { Model } from "../../api/types";
import { makeModel } from "../../test/factories";
import { NO_ONNX_ENTRY, onnxStatus, readCard } from "./card";

function model(card: Record<string, unknown>): Model {
  return makeModel({
    id: "m".repeat(32),
    job_id: "j".repeat(32),
    dataset_id: "d".repeat(32),
    algorithm: "ensemble",
    problem_type: "binary",
    target: "Survived",
    metric: "roc_auc",
    cv_score: 0.87,
    classes: [0, 1],
    feature_importance: {},
    card: { input_schema: [], problem_type: "binary", target: "Survived", metric: "roc_auc", algorithm: "ensemble", ...card },
    sha256: "s".repeat(64),
    size_bytes: 1024,
    created_at: "2025-01-01T10:00:00Z",
  });
}

describe("onnxStatus", () => {
  it("is available only when the export passed and its checksum is recorded", () => {
    expect(onnxStatus({ onnx: { usable: true }, onnx_sha256: "abc" })).toEqual({ available: true, reason: null });
    expect(onnxStatus({ onnx: { usable: true } }).available).toBe(false);
  });

  it("explains why there is no file, in the engine's words", () => {
    const status = onnxStatus({ onnx: { usable: false, reason: "skipped: the time budget ran out" } });
    expect(status).toEqual({ available: false, reason: "No ONNX file for this model. Reason: skipped: the time budget ran out." });
    expect(onnxStatus({ onnx: { usable: false, reason: "no converter for svm." } }).reason).toBe(
      "No ONNX file for this model. Reason: no converter for svm.",
    );
    expect(onnxStatus({}).reason).toBe(NO_ONNX_ENTRY);
  });
});

describe("readCard", () => {
  it("reads ensemble members, notes, rows and dropped columns", () => {
    const view = readCard(
      model({
        params: { members: [{ algorithm: "lightgbm", params: {}, weight: 0.75 }, { algorithm: "logistic_regression", weight: 0.25 }] },
        notes: ["feature importance skipped", 3],
        n_rows: 891,
        dropped_columns: [{ name: "PassengerId", reason: "an identifier" }],
        library_versions: { python: "3.12", sklearn: 1 },
      }),
    );
    expect(view.members).toEqual([
      { algorithm: "lightgbm", weight: 0.75 },
      { algorithm: "logistic_regression", weight: 0.25 },
    ]);
    expect(view.params).toEqual({});
    expect(view.notes).toEqual(["feature importance skipped"]);
    expect(view.nRows).toBe(891);
    expect(view.dropped).toEqual([{ name: "PassengerId", reason: "an identifier" }]);
    expect(view.libraries).toEqual({ python: "3.12" });
  });

  it("copes with an old card that lacks the newer fields", () => {
    const view = readCard(model({ params: { n_estimators: 100 } }));
    expect(view).toMatchObject({ nRows: null, notes: [], members: [], params: { n_estimators: 100 }, dropped: [] });
    expect(view.onnx.available).toBe(false);
  });
});
