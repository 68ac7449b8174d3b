import { describe, expect, it } from "vitest";
import type { DatasetStats, ProblemType } from "../../api/types";
import { DEFAULT_TARGET_HINT, targetHint } from "./targetHint";

// Training's verdict with Auto (the hint reads only that one of the column's `checks`).
const auto = (problem_type: ProblemType) => ({ auto: { accepted: true, problem_type, message: null, notes: [] } });
const lonely = "class(es) 'purple' of target 'Colour' have fewer than 2 rows; remove those rows or merge rare classes";

// What GET /api/datasets/{id}/stats answers for an HR table (only the fields the hint reads).
const stats = {
  columns: [
    {
      name: "EmployeeNumber",
      target: {
        eligible: false,
        problem_type: null,
        reason: "looks like a row identifier (a different value on every row)",
        checks: auto("regression"),
      },
    },
    {
      name: "MonthlyIncome",
      target: { eligible: true, problem_type: "regression", reason: "580 different numbers; named like an outcome (income)", checks: auto("regression") },
    },
    {
      name: "Attrition",
      target: { eligible: true, problem_type: "binary", reason: "two values, No and Yes; named like an outcome; last usable column", checks: auto("binary") },
    },
    {
      name: "Colour",
      target: {
        eligible: false,
        problem_type: null,
        reason: `cannot be trained on as it is (${lonely})`,
        checks: { auto: { accepted: false, problem_type: null, message: lonely, notes: [] } },
      },
    },
  ],
  target_candidates: [
    { name: "Attrition", problem_type: "binary", confidence: "high", reason: "two values, No and Yes; named like an outcome; last usable column" },
    { name: "MonthlyIncome", problem_type: "regression", confidence: "medium", reason: "580 different numbers; named like an outcome (income)" },
  ],
} as unknown as DatasetStats;

describe("targetHint", () => {
  it("describes the column the user picked, not the suggestion", () => {
    expect(targetHint(stats, "Attrition")).toBe(
      'Binary classification: "Attrition" has two values, No and Yes; named like an outcome; last usable column. FlowML\'s suggestion.',
    );
    expect(targetHint(stats, "MonthlyIncome")).toBe('Regression: "MonthlyIncome" has 580 different numbers; named like an outcome (income).');
  });

  it("says why a column is never suggested", () => {
    expect(targetHint(stats, "EmployeeNumber")).toBe(
      '"EmployeeNumber" looks like a row identifier (a different value on every row); predicting it rarely makes sense.',
    );
  });

  it("says training would refuse a column, in the server's words", () => {
    expect(targetHint(stats, "Colour")).toBe(`"Colour" cannot be trained on as it is (${lonely}).`);
  });

  it("before a choice, names the server's guess and how sure it is", () => {
    expect(targetHint(stats, "")).toBe('FlowML suggests "Attrition" (two values, No and Yes; named like an outcome; last usable column).');
    const unsure = { ...stats, target_candidates: [{ name: "weight", problem_type: "regression", confidence: "low", reason: "100 different numbers; last usable column" }] } as DatasetStats;
    expect(targetHint(unsure, "")).toBe('Not sure; FlowML\'s best guess is "weight" (100 different numbers; last usable column).');
    expect(targetHint({ ...stats, target_candidates: [] }, "")).toBe(`${DEFAULT_TARGET_HINT} FlowML found no column it would suggest.`);
  });

  it("falls back to a plain description while the stats load", () => {
    expect(targetHint(undefined, "Attrition")).toBe(DEFAULT_TARGET_HINT);
  });
});
