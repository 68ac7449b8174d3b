import type { MetricInfo, ProblemType } from "../../api/types";

/** The server sends `default_for` as a list of tasks; a single task is accepted too. */
export function isDefaultMetric(metric: MetricInfo, task: ProblemType | undefined): boolean {
  if (!task || !metric.default_for) return false;
  return Array.isArray(metric.default_for) ? metric.default_for.includes(task) : metric.default_for === task;
}

export function metricOptionLabel(metric: MetricInfo): string {
  return `${metric.label} (${metric.greater_is_better ? "higher" : "lower"} is better)`;
}
