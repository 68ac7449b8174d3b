import { describe, expect, it } from "vitest";
import { stepPosition, toggleStep, unavailableSteps } from "./preprocessing";
import { DEFAULT_TRAIN_FORM, toTrainingRequest } from "./validation";

describe("preprocessing steps in the Train form", () => {
  it("runs the steps in the order they were checked", () => {
    const picked = toggleStep(toggleStep([], "select_percentile", true), "pca", true);
    expect(picked).toEqual(["select_percentile", "pca"]);
    expect(stepPosition(picked, "pca")).toBe("2");
    expect(stepPosition(picked, "quantile_clip")).toBeNull();
  });

  it("unchecking removes a step without reordering the others; checking twice keeps one", () => {
    expect(toggleStep(["a", "b", "c"], "b", false)).toEqual(["a", "c"]);
    expect(toggleStep(["a", "b"], "a", true)).toEqual(["b", "a"]);
  });

  it("names the steps the server no longer offers", () => {
    expect(unavailableSteps(["pca", "gone"], ["pca", "select_percentile"])).toEqual(["gone"]);
  });

  it("sends the steps in order, and leaves the field out when none is chosen", () => {
    const values = { ...DEFAULT_TRAIN_FORM, datasetId: "d", target: "y" };
    expect(toTrainingRequest(values, []).preprocessors).toBeUndefined();
    const request = toTrainingRequest({ ...values, preprocessors: ["select_percentile", "pca"] }, []);
    expect(request.preprocessors).toEqual(["select_percentile", "pca"]);
  });
});
