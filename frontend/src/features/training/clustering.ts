// Clustering on the Train form: it trains with no target, so choosing it (as the problem type, or "None" in the
// target select) and leaving it again move the chosen column between the target and the reference (a known grouping
// the groups are only compared with, which the server asks for instead of a target). Pure.
import type { ProblemTypeChoice } from "../../api/types";
import { CLUSTERING, isClustering } from "../../lib/problemType";
import type { TrainFormValues } from "./validation";

/** The target select's value for "no target: find groups". Column names come from data files and are never empty
 *  nor hold a NUL character, so this cannot name a column. */
export const NO_TARGET = "\u0000clustering";

type Choice = Pick<TrainFormValues, "target" | "problemType" | "reference">;

/** The form after a problem-type choice. Into clustering the target becomes the reference (what the server's
 *  refusal of a target suggests); out of it the reference becomes the target again when none is chosen. */
export function chooseProblemType(values: Choice, choice: ProblemTypeChoice): Choice {
  if (isClustering(choice)) {
    if (isClustering(values.problemType)) return values;
    return { problemType: choice, target: "", reference: values.target || values.reference };
  }
  if (!isClustering(values.problemType)) return { ...values, problemType: choice };
  return { problemType: choice, target: values.target || values.reference, reference: "" };
}

/** The form after a pick in the target select: NO_TARGET is clustering; a column under clustering goes back to Auto. */
export function chooseTarget(values: Choice, picked: string): Choice {
  if (picked === NO_TARGET) return chooseProblemType(values, CLUSTERING);
  if (isClustering(values.problemType)) return { problemType: "auto", target: picked, reference: "" };
  return { ...values, target: picked };
}

/** The fields `next` changes (so only those count as the user's edits, and show their validation messages). */
export function changedFields(values: Choice, next: Choice): Partial<Choice> {
  const changed: Partial<Choice> = {};
  if (next.target !== values.target) changed.target = next.target;
  if (next.problemType !== values.problemType) changed.problemType = next.problemType;
  if (next.reference !== values.reference) changed.reference = next.reference;
  return changed;
}

/** The target select's value: NO_TARGET under clustering, else the column (or "" before a choice). */
export function targetSelectValue(values: Pick<TrainFormValues, "target" | "problemType">): string {
  return isClustering(values.problemType) ? NO_TARGET : values.target;
}
