import { describe, expect, it } from "vitest";
import type { TargetChecks } from "../../api/types";
import {
  DEFAULT_TRAIN_FORM,
  MAX_TIME_BUDGET_MINUTES,
  TIME_BUDGET_INPUT,
  hasErrors,
  onInputStep,
  toTrainingRequest,
  type TrainFormValues,
  validateTrainForm,
  visibleErrors,
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

  it("rejects a time budget over the server's maximum", () => {
    expect(validateTrainForm(values({ timeBudget: String(MAX_TIME_BUDGET_MINUTES + 1) }), context).timeBudget).toMatch(
      /at most 240 minutes on this server \(4 hours\)/,
    );
    expect(validateTrainForm(values({ timeBudget: String(MAX_TIME_BUDGET_MINUTES) }), context).timeBudget).toBeUndefined();
  });

  it("checks the maximum this server reports once it is known", () => {
    const limited = { ...context, maxTimeBudget: 30 };
    expect(validateTrainForm(values({ timeBudget: "31" }), limited).timeBudget).toMatch(/at most 30 minutes on this server \(0.5 hours\)/);
    expect(validateTrainForm(values({ timeBudget: "30" }), limited).timeBudget).toBeUndefined();
  });

  it("starts the budget field on a value its spinner accepts, and steps in tenths", () => {
    const { min, step } = TIME_BUDGET_INPUT;
    // The regression: min 0.1 with step 0.5 made "1" invalid for the browser and stepped 1 -> 1.1 -> 1.6.
    expect(onInputStep(Number(DEFAULT_TRAIN_FORM.timeBudget), min, step)).toBe(true);
    for (const value of [0.1, 0.5, 1, 1.1, 1.2, 5, 240]) expect(onInputStep(value, min, step)).toBe(true);
    expect(onInputStep(0, min, step)).toBe(false);
    expect(onInputStep(1.05, min, step)).toBe(false);
    expect(onInputStep(1.6, 0.1, 0.5)).toBe(true);
    expect(onInputStep(1, 0.1, 0.5)).toBe(false);
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

describe("target checks from the server's verdicts", () => {
  const refuse = (message: string) => ({ accepted: false, problem_type: null, message, notes: [] });
  // `target.checks` of a Yes/No column in GET /api/datasets/{id}/stats.
  const checks: TargetChecks = {
    n_folds: 5,
    auto: { accepted: true, problem_type: "binary", message: null, notes: [] },
    binary: { accepted: true, problem_type: "binary", message: null, notes: [] },
    multiclass: refuse("multiclass classification needs 3 or more classes; target has 2"),
    regression: refuse("regression needs a numeric target; column 'Survived' has dtype object (e.g. 'Yes', 'No')"),
  };
  const single = "target column 'Survived' has a single value ('Yes'); nothing to learn";
  const constant: TargetChecks = { n_folds: 5, auto: refuse(single), binary: refuse(single), multiclass: refuse(single), regression: refuse(single) };

  it("refuses a target the server refuses, in its words", () => {
    const errors = validateTrainForm(values(), { ...context, targetChecks: { column: "Survived", checks: constant } });
    expect(errors.target).toBe("Target column 'Survived' has a single value ('Yes'); nothing to learn.");
  });

  it("refuses a problem type the server would refuse for the target", () => {
    const withChecks = { ...context, targetChecks: { column: "Survived", checks } };
    expect(validateTrainForm(values({ problemType: "multiclass" }), withChecks).target).toBe(
      "Multiclass classification needs 3 or more classes; target has 2.",
    );
    expect(validateTrainForm(values({ problemType: "binary" }), withChecks).target).toBeUndefined();
    expect(validateTrainForm(values(), withChecks).target).toBeUndefined();
  });

  it("ignores verdicts on another column (still loading the new one)", () => {
    const errors = validateTrainForm(values(), { ...context, targetChecks: { column: "age", checks: constant } });
    expect(errors.target).toBeUndefined();
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

describe("toTrainingRequest advanced options", () => {
  it("sends priority, reproducible and a trimmed name only when set", () => {
    const request = toTrainingRequest(
      values({ priority: true, reproducible: "off", name: "  Titanic survival  " }),
      context.availableAlgorithms,
    );
    expect(request).toMatchObject({ priority: true, reproducible: false, name: "Titanic survival" });
    expect(toTrainingRequest(values({ reproducible: "on" }), context.availableAlgorithms).reproducible).toBe(true);
  });

  it("rejects an over-long name", () => {
    expect(validateTrainForm(values({ name: "x".repeat(256) }), context).name).toMatch(/at most 255/);
  });
});

describe("visibleErrors", () => {
  const errors = { timeBudget: "too long", seed: "bad", target: "Choose the column to predict." };

  it("shows everything after a start attempt", async () => {
    expect(visibleErrors(errors, new Set(), true)).toEqual(errors);
  });

  it("shows only changed fields before, plus what the data says about the target", async () => {
    expect(visibleErrors(errors, new Set(["timeBudget"]), false)).toEqual({ timeBudget: "too long" });
    const single = { target: 'Column "y" has a single value, so there is nothing to learn.' };
    expect(visibleErrors(single, new Set(), false)).toEqual(single);
  });
});
