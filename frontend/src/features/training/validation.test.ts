import { describe, expect, it } from "vitest";
import {
  DEFAULT_TRAIN_FORM,
  hasErrors,
  toTrainingRequest,
  type TrainFormValues,
  validateTrainForm,
} from "./validation";

const context = { columns: ["age", "fare", "Survived"], availableAlgorithms: ["lightgbm", "random_forest"] };

function values(overrides: Partial<TrainFormValues> = {}): TrainFormValues {
  return {
    ...DEFAULT_TRAIN_FORM,
    datasetId: "d".repeat(32),
    target: "Survived",
    algorithms: ["lightgbm", "random_forest"],
    ...overrides,
  };
}

describe("validateTrainForm", () => {
  it("accepts the defaults once a dataset and target are chosen", () => {
    expect(validateTrainForm(values(), context)).toEqual({});
  });

  it("asks for a dataset and a target", () => {
    const errors = validateTrainForm(values({ datasetId: "", target: "" }), context);
    expect(errors.datasetId).toMatch(/dataset/);
    expect(errors.target).toMatch(/column to predict/);
  });

  it("rejects a target the dataset does not have", () => {
    expect(validateTrainForm(values({ target: "nope" }), context).target).toMatch(/no column "nope"/);
  });

  it.each(["", "0", "-1", "abc"])("rejects time budget %j", (timeBudget) => {
    expect(validateTrainForm(values({ timeBudget }), context).timeBudget).toMatch(/greater than 0/);
  });

  it("accepts a fractional time budget", () => {
    expect(validateTrainForm(values({ timeBudget: "0.5" }), context).timeBudget).toBeUndefined();
  });

  it("needs at least one algorithm", () => {
    expect(validateTrainForm(values({ algorithms: [] }), context).algorithms).toMatch(/at least one/);
  });

  it.each(["1", "11", "2.5", ""])("rejects folds %j", (nFolds) => {
    expect(validateTrainForm(values({ nFolds }), context).nFolds).toMatch(/between 2 and 10/);
  });

  it("allows blank max trials but not zero or fractions", () => {
    expect(validateTrainForm(values({ maxTrials: "" }), context).maxTrials).toBeUndefined();
    expect(validateTrainForm(values({ maxTrials: "0" }), context).maxTrials).toMatch(/1 or more/);
    expect(validateTrainForm(values({ maxTrials: "1.5" }), context).maxTrials).toMatch(/whole number/);
  });

  it("rejects a negative seed", () => {
    const errors = validateTrainForm(values({ seed: "-3" }), context);
    expect(errors.seed).toMatch(/0 or more/);
    expect(hasErrors(errors)).toBe(true);
  });
});

describe("toTrainingRequest", () => {
  it("leaves server defaults out", () => {
    expect(toTrainingRequest(values(), context.availableAlgorithms)).toEqual({
      dataset_id: "d".repeat(32),
      target_column: "Survived",
      problem_type: "auto",
      time_budget: 1,
      n_folds: 5,
      seed: 0,
    });
  });

  it("sends metric, a subset of algorithms and max trials when chosen", () => {
    const request = toTrainingRequest(
      values({ metric: "f1", algorithms: ["lightgbm"], maxTrials: "20", timeBudget: "2.5", problemType: "binary" }),
      context.availableAlgorithms,
    );
    expect(request).toMatchObject({
      metric: "f1",
      algorithms: ["lightgbm"],
      max_trials: 20,
      time_budget: 2.5,
      problem_type: "binary",
    });
  });
});

describe("effectiveTask", () => {
  it("uses the dataset's suggestion only for its suggested target", async () => {
    const { effectiveTask } = await import("./task");
    const dataset = { suggested_target: "Survived", suggested_problem_type: "binary" as const };
    expect(effectiveTask("auto", "Survived", dataset)).toBe("binary");
    expect(effectiveTask("auto", "fare", dataset)).toBeUndefined();
    expect(effectiveTask("regression", "Survived", dataset)).toBe("regression");
  });
});
