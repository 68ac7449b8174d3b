import { describe, expect, it } from "vitest";
import { changedFields, chooseProblemType, chooseTarget, NO_TARGET, targetSelectValue } from "./clustering";
import { DEFAULT_TRAIN_FORM, toTrainingRequest, type TrainFormValues, validateTrainForm } from "./validation";

const species = { target: "species", problemType: "auto", reference: "" } as const;
const context = { columns: ["sepal_length", "petal_length", "species"], availableAlgorithms: ["kmeans", "gaussian_mixture"] };

function clustering(overrides: Partial<TrainFormValues> = {}): TrainFormValues {
  return {
    ...DEFAULT_TRAIN_FORM,
    datasetId: "d".repeat(32),
    problemType: "clustering",
    algorithms: ["kmeans", "gaussian_mixture"],
    ...overrides,
  };
}

describe("choosing clustering", () => {
  it("moves the chosen target into the reference: the server refuses a target for clustering", () => {
    expect(chooseProblemType(species, "clustering")).toEqual({ target: "", problemType: "clustering", reference: "species" });
    expect(chooseTarget(species, NO_TARGET)).toEqual({ target: "", problemType: "clustering", reference: "species" });
  });

  it("brings the reference back as the target when leaving clustering without one", () => {
    const grouped = { target: "", problemType: "clustering", reference: "species" } as const;
    expect(chooseProblemType(grouped, "multiclass")).toEqual({ target: "species", problemType: "multiclass", reference: "" });
    // Picking a column in the target select leaves clustering for Auto, which judges the column.
    expect(chooseTarget(grouped, "petal_length")).toEqual({ target: "petal_length", problemType: "auto", reference: "" });
  });

  it("leaves supervised choices as they were", () => {
    expect(chooseProblemType(species, "binary")).toEqual({ ...species, problemType: "binary" });
    expect(chooseTarget(species, "petal_length")).toEqual({ ...species, target: "petal_length" });
    const grouped = { target: "", problemType: "clustering", reference: "species" } as const;
    expect(chooseProblemType(grouped, "clustering")).toBe(grouped);
  });

  it("shows 'no target' in the select under clustering, and counts only changed fields as edits", () => {
    expect(targetSelectValue({ target: "", problemType: "clustering" })).toBe(NO_TARGET);
    expect(targetSelectValue(species)).toBe("species");
    expect(changedFields(species, chooseProblemType(species, "regression"))).toEqual({ problemType: "regression" });
    expect(changedFields(species, chooseTarget(species, NO_TARGET))).toEqual({ target: "", problemType: "clustering", reference: "species" });
  });
});

describe("a clustering form", () => {
  it("needs no target and no folds", () => {
    expect(validateTrainForm(clustering({ nFolds: "1" }), context)).toEqual({});
  });

  it("refuses a reference the dataset does not have, and a target that slipped through", () => {
    expect(validateTrainForm(clustering({ reference: "colour" }), context).reference).toBe('The dataset has no column "colour".');
    expect(validateTrainForm(clustering({ target: "species" }), context).target).toMatch(/^Clustering takes no target column/);
  });

  it("sends no target and no folds, and the reference when one is named", () => {
    const request = toTrainingRequest(clustering({ reference: "species", metric: "davies_bouldin" }), context.availableAlgorithms);
    expect(request).toEqual({
      dataset_id: "d".repeat(32),
      target_column: null,
      problem_type: "clustering",
      reference_column: "species",
      metric: "davies_bouldin",
      time_budget: 1,
      seed: 0,
    });
    expect(toTrainingRequest(clustering(), context.availableAlgorithms)).not.toHaveProperty("reference_column");
  });
});
