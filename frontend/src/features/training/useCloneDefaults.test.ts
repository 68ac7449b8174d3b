import { describe, expect, it } from "vitest";
import type { TrainingRequest } from "../../api/types";
import { cloneExclusions, cloneSelection, cloneToForm } from "./useCloneDefaults";

const settings: TrainingRequest = {
  dataset_id: "d1",
  target_column: "Attrition",
  problem_type: "binary",
  metric: "roc_auc",
  time_budget: 0.2,
  algorithms: ["logistic_regression", "random_forest"],
  n_folds: 3,
  max_trials: 20,
  max_trials_per_algorithm: null,
  reproducible: null,
  seed: 7,
  priority: false,
  name: "HR attrition (copy)",
  project_id: "p1",
  cloned_from: "j1",
};

describe("clone defaults", () => {
  it("fills the form from the job's settings, numbers as text", () => {
    const clone = cloneToForm(settings, "j1");
    expect(clone.sourceId).toBe("j1");
    expect(clone.projectId).toBe("p1");
    expect(clone.values).toMatchObject({
      datasetId: "d1",
      target: "Attrition",
      problemType: "binary",
      metric: "roc_auc",
      timeBudget: "0.2",
      nFolds: "3",
      maxTrials: "20",
      seed: "7",
      reproducible: "auto",
      name: "HR attrition (copy)",
    });
    expect(cloneToForm({ ...settings, reproducible: false, max_trials: null }, "j1").values).toMatchObject({
      reproducible: "off",
      maxTrials: "",
    });
  });

  it("unchecks the algorithms the job did not try", () => {
    expect(cloneExclusions(["knn", "logistic_regression", "random_forest"], settings.algorithms ?? [])).toEqual(["knn"]);
    expect(cloneExclusions(["knn"], [])).toEqual([]);
  });

  it("starts on the job's dataset, or says that it is gone", () => {
    const clone = cloneToForm(settings, "j1");
    expect(cloneSelection([{ id: "d0" }, { id: "d1" }], clone)).toEqual({ datasetId: "d1", target: "Attrition", notice: null });
    const gone = cloneSelection([{ id: "d0" }], clone);
    expect(gone.datasetId).toBe("d0");
    expect(gone.notice).toMatch(/no longer exists/);
  });
});

describe("history fields of a started job", () => {
  it("names the cloned job and the chosen project, unless the dataset decides the project", async () => {
    const { historyFields } = await import("./useCloneDefaults");
    const clone = cloneToForm(settings, "j1");
    expect(historyFields(clone, { project_id: null }, "p2")).toEqual({ cloned_from: "j1", project_id: "p2" });
    expect(historyFields(undefined, { project_id: "p9" }, "p2")).toEqual({});
    expect(historyFields(undefined, undefined, "")).toEqual({});
  });
});
