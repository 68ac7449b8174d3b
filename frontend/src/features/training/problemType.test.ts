import { describe, expect, it } from "vitest";
import { detectProblemType, effectiveTask, targetProblem, type TargetProfile } from "./problemType";

function column(overrides: Partial<TargetProfile>): TargetProfile {
  return { name: "y", kind: "numeric", dtype: "Float64", missing: 0, unique: 500, ...overrides };
}

// The cases mirror backend/flowml/engine/problem.py detect_problem_type.
describe("detectProblemType", () => {
  it.each<[string, Partial<TargetProfile>, number, string]>([
    ["two values are binary", { kind: "boolean", dtype: "Boolean", unique: 2 }, 100, "binary"],
    ["two numbers are binary", { dtype: "Int64", unique: 2 }, 100, "binary"],
    ["labels are multiclass", { kind: "categorical", dtype: "String", unique: 3 }, 150, "multiclass"],
    ["many labels are still multiclass", { kind: "categorical", dtype: "String", unique: 40 }, 100, "multiclass"],
    ["few whole numbers among many rows are classes", { dtype: "Int64", unique: 7 }, 1000, "multiclass"],
    ["whole numbers with too many values are a quantity", { dtype: "Int64", unique: 21 }, 10000, "regression"],
    ["few values relative to the rows are a quantity", { dtype: "Int64", unique: 15 }, 40, "regression"],
    ["decimals with many values are a quantity", { dtype: "Float64", unique: 500 }, 1000, "regression"],
  ])("%s", (_name, overrides, nRows, task) => {
    expect(detectProblemType(column(overrides), nRows)).toMatchObject({ status: "detected", task });
  });

  it("counts only non-missing rows against the class ratio", () => {
    // 5 values in 100 rows is few, but only 40 rows have a value: 5 > 0.1 * 40.
    expect(detectProblemType(column({ dtype: "Int64", unique: 5, missing: 60 }), 100)).toMatchObject({ task: "regression" });
  });

  it("cannot tell decimals with few values without seeing them", () => {
    expect(detectProblemType(column({ dtype: "Float64", unique: 4 }), 1000)).toMatchObject({
      status: "uncertain",
      candidates: ["multiclass", "regression"],
    });
  });

  it.each<[string, Partial<TargetProfile>, RegExp]>([
    ["an empty column", { unique: 0, missing: 10 }, /no values/],
    ["dates", { kind: "datetime", dtype: "Date", unique: 30 }, /holds dates/],
    ["a single value", { dtype: "String", kind: "categorical", unique: 1 }, /single value/],
  ])("refuses %s", (_name, overrides, message) => {
    const detection = detectProblemType(column(overrides), 10);
    expect(detection.status).toBe("invalid");
    expect(detection.status === "invalid" && detection.message).toMatch(message);
  });
});

describe("effectiveTask", () => {
  it("is the chosen type, else what was detected, else none (list everything)", () => {
    const detected = detectProblemType(column({ unique: 2 }), 10);
    expect(effectiveTask("regression", detected)).toBe("regression");
    expect(effectiveTask("auto", detected)).toBe("binary");
    expect(effectiveTask("auto", detectProblemType(column({ unique: 4 }), 1000))).toBeUndefined();
    expect(effectiveTask("auto", undefined)).toBeUndefined();
  });
});

describe("targetProblem", () => {
  it("accepts a target that fits the chosen type", () => {
    expect(targetProblem(column({ unique: 2 }), "auto", 10)).toBeUndefined();
    expect(targetProblem(column({}), "regression", 1000)).toBeUndefined();
  });

  it("refuses binary for three values and regression for labels", () => {
    expect(targetProblem(column({ unique: 3 }), "binary", 10)).toMatch(/exactly 2 different values; "y" has 3/);
    expect(targetProblem(column({ dtype: "String", kind: "categorical", unique: 4 }), "regression", 10)).toMatch(/holds labels/);
  });

  it("refuses classes when there are too many values for each to appear twice", () => {
    expect(targetProblem(column({ dtype: "Int64", unique: 300 }), "multiclass", 300)).toMatch(/some appear only once/);
    expect(targetProblem(column({ dtype: "Int64", unique: 150 }), "multiclass", 300)).toBeUndefined();
  });

  it("names categories with a single row when every value is listed", () => {
    const profile = column({
      dtype: "String",
      kind: "categorical",
      unique: 3,
      top_values: [
        { value: "a", count: 8 },
        { value: "b", count: 3 },
        { value: "c", count: 1 },
      ],
    });
    expect(targetProblem(profile, "auto", 12)).toMatch(/"c" of "y" appears only once/);
    // With more values than listed, the rare ones may be unseen: no verdict.
    expect(targetProblem({ ...profile, unique: 30 }, "auto", 100)).toBeUndefined();
  });
});
