// The words under the target select: what the chosen column would be as the target (the problem type Auto trains it
// as and why, or why FlowML would never suggest it), or, before a choice, the server's best guess. Every judgement
// comes from the server's dataset stats (each column's `target`, whose `checks` are training's own verdicts, and the
// ranked `target_candidates`); this only phrases it.
import type { DatasetStats } from "../../api/types";
import { PROBLEM_TYPE_TEXT } from "../../lib/problemType";

export const DEFAULT_TARGET_HINT = "The column whose values the model learns to predict.";

export function targetHint(stats: Pick<DatasetStats, "columns" | "target_candidates"> | undefined, target: string): string {
  if (!stats) return DEFAULT_TARGET_HINT;
  const first = stats.target_candidates?.[0];
  if (!target) {
    if (!first) return `${DEFAULT_TARGET_HINT} FlowML found no column it would suggest.`;
    const guess = first.confidence === "high" ? "FlowML suggests" : "Not sure; FlowML's best guess is";
    return `${guess} "${first.name}" (${first.reason}).`;
  }
  const hint = stats.columns.find((column) => column.name === target)?.target;
  if (!hint) return DEFAULT_TARGET_HINT;
  // Training refuses it with Auto: the server's reason already says so ("cannot be trained on as it is (…)").
  if (!hint.checks.auto.accepted) return `"${target}" ${hint.reason}.`;
  if (!hint.eligible || !hint.problem_type) return `"${target}" ${hint.reason}; predicting it rarely makes sense.`;
  const suggested = first?.name === target ? " FlowML's suggestion." : "";
  return `${PROBLEM_TYPE_TEXT[hint.problem_type].label}: "${target}" has ${hint.reason}.${suggested}`;
}
