// How the Train form words problem types. What a column would train as is not worked out here: the server judges
// every column with the same function training starts with (GET /api/datasets/{id}/stats, each column's
// `target.checks`: the type Auto picks or why it refuses, and whether each explicit choice is accepted or the exact
// message training would refuse it with). This file only reads those verdicts and phrases them.
import type { ProblemType, ProblemTypeChoice, TargetChecks, TargetVerdict } from "../api/types";

export const PROBLEM_TYPE_TEXT: Record<ProblemType, { label: string; explain: string }> = {
  binary: { label: "Binary classification", explain: "predicts one of two outcomes (yes/no)" },
  multiclass: { label: "Multiclass classification", explain: "predicts one of several categories" },
  regression: { label: "Regression", explain: "predicts a number" },
  clustering: { label: "Clustering", explain: "finds groups of similar rows; no column is predicted" },
};

/** The one task trained without a target: the server refuses a target column for it (a known grouping goes in
 *  `reference_column` instead, only to report agreement). */
export const CLUSTERING = "clustering" satisfies ProblemType;

/** The choices a target column's verdicts speak about (TargetChecks has one per supervised choice). */
export type SupervisedChoice = Exclude<ProblemTypeChoice, typeof CLUSTERING>;

export function isClustering(task: string | null | undefined): task is typeof CLUSTERING {
  return task === CLUSTERING;
}

/** What a job or model is about, in a few words: "Predict Survived", or "Find groups" for clustering. */
export function taskTitle(target: string | null | undefined, task: string): string {
  return isClustering(task) || !target ? "Find groups" : `Predict ${target}`;
}

/** The server's verdicts on the chosen target column, and where they are in coming. */
export type DetectionState =
  | { state: "none" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "done"; checks: TargetChecks };

/** The server's verdict on the column for one choice. */
export function verdictFor(checks: TargetChecks, choice: SupervisedChoice): TargetVerdict {
  return checks[choice];
}

/** The type Auto trains the column as; undefined when Auto refuses it or the verdicts are not in. */
export function autoTask(detection: DetectionState): ProblemType | undefined {
  return detection.state === "done" ? (detection.checks.auto.problem_type ?? undefined) : undefined;
}

/** The task to list algorithms and metrics for: the type chosen, else what Auto picks; undefined lists every one. */
export function effectiveTask(choice: ProblemTypeChoice, detection: DetectionState): ProblemType | undefined {
  return choice === "auto" ? autoTask(detection) : choice;
}

/** A server message as a sentence: capital first letter, full stop (the words themselves are the server's). */
export function asSentence(message: string): string {
  const text = message.trim();
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Why training would refuse this target for this choice, in the server's words; undefined when it accepts it. */
export function targetProblem(checks: TargetChecks, choice: SupervisedChoice): string | undefined {
  const verdict = verdictFor(checks, choice);
  if (verdict.accepted) return undefined;
  return asSentence(verdict.message ?? "Training would refuse this column for this problem type.");
}

/** The line under the problem-type choices: what Auto picks for the target, and what training will adjust. */
export function describeDetection(detection: DetectionState, target: string, choice: ProblemTypeChoice): string {
  if (isClustering(choice)) {
    return "Clustering: FlowML looks for groups of similar rows and names them by what sets them apart; no column is predicted.";
  }
  if (!target || detection.state === "none") return "Choose the column to predict to see what Auto picks.";
  if (detection.state === "loading") return `Looking at "${target}"…`;
  if (detection.state === "error") return `Could not read the column statistics (${detection.message}); the server decides when training starts.`;
  const task = detection.checks.auto.problem_type;
  if (!task) return "Auto cannot pick a problem type for this column; see the message under the target.";
  const text = PROBLEM_TYPE_TEXT[task];
  const picked = `${choice === "auto" ? "Detected" : "Auto would pick"}: ${text.label}. The model ${text.explain}.`;
  const verdict = verdictFor(detection.checks, choice);
  if (!verdict.accepted || verdict.notes.length === 0) return picked;
  // The notes assume the default folds (the server says which); fewer folds in the form may need no reduction.
  return `${picked} Training notes (with ${detection.checks.n_folds} folds): ${verdict.notes.join("; ")}.`;
}
