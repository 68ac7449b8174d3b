import { describe, expect, it } from "vitest";
import type { TargetChecks, TargetVerdict } from "../api/types";
import { asSentence, autoTask, type DetectionState, describeDetection, effectiveTask, targetProblem, taskTitle } from "./problemType";

const accept = (problem_type: TargetVerdict["problem_type"], notes: string[] = []): TargetVerdict => ({ accepted: true, problem_type, message: null, notes });
const refuse = (message: string): TargetVerdict => ({ accepted: false, problem_type: null, message, notes: [] });

// What GET /api/datasets/{id}/stats answers in `target.checks` (tests/api/test_target_checks.py compares these
// verdicts with POST /api/training/start): a wine-style score 3..9, a Yes/No column, a column with a one-row class.
const quality: TargetChecks = {
  n_folds: 5,
  auto: accept("multiclass"),
  binary: refuse("binary classification needs exactly 2 classes; target has 7"),
  multiclass: accept("multiclass"),
  regression: accept("regression"),
};
const answer: TargetChecks = {
  n_folds: 5,
  auto: accept("binary", ["dropped 40 row(s) with a missing target"]),
  binary: accept("binary", ["dropped 40 row(s) with a missing target"]),
  multiclass: refuse("multiclass classification needs 3 or more classes; target has 2"),
  regression: refuse("regression needs a numeric target; column 'answer' has dtype object (e.g. 'Yes', 'No')"),
};
const lonely = "class(es) 'purple' of target 'lonely' have fewer than 2 rows; remove those rows or merge rare classes";
const rare: TargetChecks = { n_folds: 5, auto: refuse(lonely), binary: refuse(lonely), multiclass: refuse(lonely), regression: refuse("regression needs a numeric target") };
const done = (checks: TargetChecks): DetectionState => ({ state: "done", checks });

describe("effectiveTask", () => {
  it("is the chosen type, else what the server's Auto picks, else none (list everything)", () => {
    expect(effectiveTask("regression", done(quality))).toBe("regression");
    expect(effectiveTask("auto", done(quality))).toBe("multiclass");
    expect(effectiveTask("auto", done(rare))).toBeUndefined();
    expect(effectiveTask("auto", { state: "loading" })).toBeUndefined();
    expect(effectiveTask("binary", { state: "none" })).toBe("binary");
  });

  it("reads Auto's pick only from finished verdicts", () => {
    expect(autoTask(done(answer))).toBe("binary");
    expect(autoTask({ state: "error", message: "offline" })).toBeUndefined();
  });
});

describe("targetProblem", () => {
  it("accepts what the server accepts, integer scores as classes or as a number", () => {
    expect(targetProblem(quality, "auto")).toBeUndefined();
    expect(targetProblem(quality, "regression")).toBeUndefined();
  });

  it("refuses in the server's exact words, as a sentence", () => {
    expect(targetProblem(quality, "binary")).toBe("Binary classification needs exactly 2 classes; target has 7.");
    expect(targetProblem(rare, "auto")).toBe(`${lonely.charAt(0).toUpperCase()}${lonely.slice(1)}.`);
    expect(targetProblem(answer, "regression")).toMatch(/^Regression needs a numeric target; column 'answer'/);
  });

  it("keeps a message that already ends a sentence", () => {
    expect(asSentence("nothing to learn!")).toBe("Nothing to learn!");
  });
});

describe("describeDetection", () => {
  it("names Auto's pick and what it predicts", () => {
    expect(describeDetection(done(quality), "quality", "auto")).toBe(
      "Detected: Multiclass classification. The model predicts one of several categories.",
    );
    expect(describeDetection(done(quality), "quality", "regression")).toBe(
      "Auto would pick: Multiclass classification. The model predicts one of several categories.",
    );
  });

  it("adds what training will adjust for the chosen type, with the folds the server assumed", () => {
    expect(describeDetection(done(answer), "answer", "auto")).toBe(
      "Detected: Binary classification. The model predicts one of two outcomes (yes/no). Training notes (with 5 folds): dropped 40 row(s) with a missing target.",
    );
  });

  it("says when Auto cannot pick, and while the verdicts load", () => {
    expect(describeDetection(done(rare), "lonely", "auto")).toMatch(/Auto cannot pick a problem type/);
    expect(describeDetection({ state: "loading" }, "lonely", "auto")).toBe('Looking at "lonely"…');
    expect(describeDetection({ state: "none" }, "", "auto")).toMatch(/Choose the column/);
  });
});

describe("clustering", () => {
  it("lists the clustering algorithms and metrics, whatever the target's verdicts", () => {
    expect(effectiveTask("clustering", { state: "none" })).toBe("clustering");
  });

  it("says there is no column to predict", () => {
    expect(describeDetection({ state: "none" }, "", "clustering")).toMatch(/^Clustering: FlowML looks for groups of similar rows/);
  });

  it("titles a job by what it does", () => {
    expect(taskTitle("Survived", "binary")).toBe("Predict Survived");
    expect(taskTitle(null, "clustering")).toBe("Find groups");
  });
});
