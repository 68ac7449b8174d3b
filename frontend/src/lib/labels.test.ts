import { describe, expect, it } from "vitest";
import type { AlgorithmInfo, MetricInfo, PreprocessorInfo } from "../api/types";
import { makeAlgorithm } from "../test/factories";
import { makeLabels, stepsText } from "./labels";

const algorithms: AlgorithmInfo[] = [
  makeAlgorithm({ name: "logistic_regression", label: "Logistic regression", family: "linear" }),
  makeAlgorithm({ name: "svm", label: "Support vector machine", family: "svm" }),
];
const metrics: MetricInfo[] = [
  { name: "roc_auc", label: "ROC AUC", tasks: ["binary"], greater_is_better: true, default_for: ["binary"], lower: 0, upper: 1 },
  { name: "rmse", label: "RMSE", tasks: ["regression"], greater_is_better: false, default_for: [], lower: 0, upper: null },
];

const origin = { source: "builtin" as const, package: null, version: null };
const steps: PreprocessorInfo[] = [
  { name: "pca", label: "PCA (principal components)", space: { params: {} }, defaults: {}, origin },
  { name: "select_percentile", label: "Feature selection (top percentile)", space: { params: {} }, defaults: {}, origin },
];

describe("makeLabels", () => {
  const labels = makeLabels(algorithms, metrics, steps);

  it("names a job's preprocessing steps in the order they run, and no steps as None", () => {
    expect(stepsText(["select_percentile", "pca"], labels)).toBe("Feature selection (top percentile) → PCA (principal components)");
    expect(stepsText(["my_plugin_step"], labels)).toBe("my_plugin_step");
    expect(stepsText([], labels)).toBe("None");
  });

  it("gives the API's labels for algorithms and metrics", () => {
    expect(labels.algorithm("logistic_regression")).toBe("Logistic regression");
    expect(labels.algorithm("svm")).toBe("Support vector machine");
    expect(labels.metric("roc_auc")).toBe("ROC AUC");
  });

  it("calls a delivered ensemble an Ensemble and shows unknown names as they are", () => {
    expect(labels.algorithm("ensemble")).toBe("Ensemble");
    expect(labels.algorithm("my_plugin")).toBe("my_plugin");
    expect(labels.metric("custom")).toBe("custom");
  });

  it("reports the metric's bounds, null where it has none or is unknown", () => {
    expect(labels.bounds("roc_auc")).toEqual({ lower: 0, upper: 1 });
    expect(labels.bounds("rmse")).toEqual({ lower: 0, upper: null });
    expect(labels.bounds("custom")).toEqual({ lower: null, upper: null });
  });

  it("works before the catalogues have loaded", () => {
    const empty = makeLabels(undefined, undefined);
    expect(empty.algorithm("svm")).toBe("svm");
    expect(empty.bounds("roc_auc")).toEqual({ lower: null, upper: null });
  });
});
