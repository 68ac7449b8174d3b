import type { Dataset, MetricInfo, ProblemType, ProblemTypeChoice } from "../../api/types";

/**
 * The task to list algorithms and metrics for. With "auto", the dataset's suggestion holds only for its suggested
 * target; for another target the server decides at start, so everything is listed.
 */
export function effectiveTask(
  choice: ProblemTypeChoice,
  target: string,
  dataset: Pick<Dataset, "suggested_target" | "suggested_problem_type"> | undefined,
): ProblemType | undefined {
  if (choice !== "auto") return choice;
  if (dataset && dataset.suggested_target === target && dataset.suggested_problem_type) {
    return dataset.suggested_problem_type;
  }
  return undefined;
}

export function isDefaultMetric(metric: MetricInfo, task: ProblemType | undefined): boolean {
  if (!task || !metric.default_for) return false;
  return Array.isArray(metric.default_for) ? metric.default_for.includes(task) : metric.default_for === task;
}
