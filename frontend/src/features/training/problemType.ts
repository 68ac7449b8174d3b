// What kind of problem a target column poses, worked out from its column profile the same way the server does
// when training starts with problem type "auto" (backend/flowml/engine/problem.py detect_problem_type), and the
// checks the server then runs on the chosen type (validate_target). The server stays the judge; this lets the
// form say what will happen, and what is wrong, before anything is sent.
import type { ColumnProfile, ProblemType, ProblemTypeChoice } from "../../api/types";

// The server's thresholds (engine/problem.py): few whole-number values, few relative to the rows, are classes.
export const MAX_INTEGER_CLASSES = 20;
export const MAX_INTEGER_CLASS_RATIO = 0.1;
/** Every class needs two rows: one to learn from, one to test on. */
export const MIN_ROWS_PER_CLASS = 2;

export const PROBLEM_TYPE_TEXT: Record<ProblemType, { label: string; explain: string }> = {
  binary: { label: "Binary classification", explain: "predicts one of two outcomes (yes/no)" },
  multiclass: { label: "Multiclass classification", explain: "predicts one of several categories" },
  regression: { label: "Regression", explain: "predicts a number" },
};

export type Detection =
  /** `reason` completes "because <column> …". */
  | { status: "detected"; task: ProblemType; reason: string }
  /** A decimal column whose values may all be whole numbers: only the server can tell. */
  | { status: "uncertain"; candidates: ProblemType[]; reason: string }
  | { status: "invalid"; message: string };

export type TargetProfile = Pick<ColumnProfile, "name" | "kind" | "dtype" | "missing" | "unique" | "top_values">;

const INTEGER_DTYPE = /^U?Int\d+$/;
const FLOAT_DTYPE = /^Float\d+$/;

/** Numbers, as pandas sees them: polars integer and float dtypes; booleans and text are labels. */
export function isNumericDtype(dtype: string): boolean {
  return INTEGER_DTYPE.test(dtype) || FLOAT_DTYPE.test(dtype);
}

function isDateColumn(profile: TargetProfile): boolean {
  return profile.kind === "datetime" || /^(Date|Datetime)\b/.test(profile.dtype);
}

/** Problems every problem type shares: no values, dates, a single value. */
function unusable(profile: TargetProfile): string | undefined {
  const column = `"${profile.name}"`;
  if (profile.unique === 0) return `Column ${column} has no values (every row is missing).`;
  if (isDateColumn(profile)) return `Column ${column} holds dates; pick a numeric or categorical column to predict.`;
  if (profile.unique < 2) return `Column ${column} has a single value, so there is nothing to learn. Pick another column.`;
  return undefined;
}

export function detectProblemType(profile: TargetProfile, nRows: number): Detection {
  const problem = unusable(profile);
  if (problem) return { status: "invalid", message: problem };
  const values = Math.max(0, nRows - profile.missing);
  if (profile.unique === 2) return { status: "detected", task: "binary", reason: "has exactly two different values" };
  if (!isNumericDtype(profile.dtype)) {
    return { status: "detected", task: "multiclass", reason: `holds ${profile.unique} different labels` };
  }
  const fewValues = profile.unique <= MAX_INTEGER_CLASSES && profile.unique <= MAX_INTEGER_CLASS_RATIO * values;
  if (!fewValues) {
    return { status: "detected", task: "regression", reason: `holds numbers with ${profile.unique} different values` };
  }
  if (INTEGER_DTYPE.test(profile.dtype)) {
    return {
      status: "detected",
      task: "multiclass",
      reason: `holds only ${profile.unique} different whole numbers, so they are treated as categories`,
    };
  }
  return {
    status: "uncertain",
    candidates: ["multiclass", "regression"],
    reason: `has only ${profile.unique} different numbers: categories if they are all whole numbers, else a quantity`,
  };
}

/** The task to list algorithms and metrics for; undefined lists every one (the server decides at start). */
export function effectiveTask(choice: ProblemTypeChoice, detection: Detection | undefined): ProblemType | undefined {
  if (choice !== "auto") return choice;
  return detection?.status === "detected" ? detection.task : undefined;
}

/** Why the server would refuse this target for this problem type, in plain words; undefined when it looks fine. */
export function targetProblem(profile: TargetProfile, choice: ProblemTypeChoice, nRows: number): string | undefined {
  const problem = unusable(profile);
  if (problem) return problem;
  const task = choice === "auto" ? effectiveTask(choice, detectProblemType(profile, nRows)) : choice;
  const column = `"${profile.name}"`;
  if (task === "binary" && profile.unique !== 2) {
    return `Binary classification needs exactly 2 different values; ${column} has ${profile.unique}.`;
  }
  if (task === "multiclass" && profile.unique < 3) {
    return `Multiclass classification needs 3 or more different values; ${column} has ${profile.unique}.`;
  }
  if (task === "regression" && !isNumericDtype(profile.dtype)) {
    return `Regression predicts a number, but ${column} holds labels. Choose a classification type or Auto.`;
  }
  const classes = task === "binary" || task === "multiclass";
  if (classes && profile.unique * MIN_ROWS_PER_CLASS > Math.max(0, nRows - profile.missing)) {
    // Too many different values for every one to appear twice: some category has a single row, for sure.
    return `${column} has ${profile.unique} different values in ${nRows - profile.missing} rows, so some appear only once; every category needs at least ${MIN_ROWS_PER_CLASS} rows. Is it a number to predict (Regression)?`;
  }
  if (classes && profile.top_values && profile.top_values.length >= profile.unique) {
    // The server lists its ten most frequent values; when they are all of them, rare classes can be seen here.
    const rare = profile.top_values.filter((item) => item.count < MIN_ROWS_PER_CLASS).map((item) => `"${String(item.value)}"`);
    if (rare.length > 0) {
      return `The value${rare.length > 1 ? "s" : ""} ${rare.join(", ")} of ${column} appear${rare.length > 1 ? "" : "s"} only once; every category needs at least ${MIN_ROWS_PER_CLASS} rows.`;
    }
  }
  return undefined;
}
