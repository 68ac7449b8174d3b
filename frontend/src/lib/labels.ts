// Friendly names for algorithms and metrics, as the Train form shows them: GET /api/algorithms and /api/metrics
// (AlgorithmInfo.label, MetricInfo.label). One lookup for every results, jobs, models and home component. Pure.
import type { AlgorithmInfo, MetricInfo } from "../api/types";

/** What a delivered ensemble is called where an algorithm name would be. */
export const ENSEMBLE_LABEL = "Ensemble";

export interface MetricBounds {
  lower: number | null;
  upper: number | null;
}

export interface Labels {
  /** "Logistic regression" for `logistic_regression`; an unknown name is shown as it is. */
  algorithm: (name: string) => string;
  /** "ROC AUC" for `roc_auc`. */
  metric: (name: string) => string;
  /** The values the metric can take (AUC: 0 to 1); both null when unknown. */
  bounds: (name: string) => MetricBounds;
}

export function makeLabels(algorithms: readonly AlgorithmInfo[] = [], metrics: readonly MetricInfo[] = []): Labels {
  const algorithmLabels = new Map(algorithms.map((a) => [a.name, a.label]));
  const metricInfo = new Map(metrics.map((m) => [m.name, m]));
  return {
    algorithm: (name) => algorithmLabels.get(name) ?? (name === "ensemble" ? ENSEMBLE_LABEL : name),
    metric: (name) => metricInfo.get(name)?.label ?? name,
    bounds: (name) => {
      const info = metricInfo.get(name);
      return { lower: info?.lower ?? null, upper: info?.upper ?? null };
    },
  };
}
