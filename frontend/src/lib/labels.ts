// Friendly names for algorithms, metrics and preprocessing steps, as the Train form shows them: GET /api/algorithms,
// /api/metrics and /api/preprocessors (AlgorithmInfo.label, MetricInfo.label, PreprocessorInfo.label). One lookup for every results, jobs, models and home component. Pure.
import type { AlgorithmInfo, MetricInfo, PreprocessorInfo } from "../api/types";

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
  /** "PCA (principal components)" for the preprocessing step `pca`; an unknown name is shown as it is. */
  step: (name: string) => string;
}

/** A job's preprocessing steps in the order they run ("PCA (principal components) → Feature selection"), or "None". */
export function stepsText(steps: readonly string[], labels: Pick<Labels, "step">): string {
  return steps.length === 0 ? "None" : steps.map((name) => labels.step(name)).join(" → ");
}

export function makeLabels(
  algorithms: readonly AlgorithmInfo[] = [],
  metrics: readonly MetricInfo[] = [],
  steps: readonly PreprocessorInfo[] = [],
): Labels {
  const algorithmLabels = new Map(algorithms.map((a) => [a.name, a.label]));
  const metricInfo = new Map(metrics.map((m) => [m.name, m]));
  const stepLabels = new Map(steps.map((s) => [s.name, s.label]));
  return {
    algorithm: (name) => algorithmLabels.get(name) ?? (name === "ensemble" ? ENSEMBLE_LABEL : name),
    metric: (name) => metricInfo.get(name)?.label ?? name,
    bounds: (name) => {
      const info = metricInfo.get(name);
      return { lower: info?.lower ?? null, upper: info?.upper ?? null };
    },
    step: (name) => stepLabels.get(name) ?? name,
  };
}
