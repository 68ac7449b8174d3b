import { describe, expect, it } from "vitest";
import type { AlgorithmInfo } from "../../api/types";
import { makeAlgorithm } from "../../test/factories";
import { groupByFamily } from "./algorithmGroups";

function algorithm(name: string, family: string, label = name): AlgorithmInfo {
  return makeAlgorithm({ name, label, family });
}

describe("groupByFamily", () => {
  it("orders known families, then unknown ones by name, and sorts algorithms by label", () => {
    const groups = groupByFamily([
      algorithm("logreg", "linear", "Logistic regression"),
      algorithm("xgb", "boosting", "XGBoost"),
      algorithm("ridge", "linear", "Ridge"),
      algorithm("zeta", "zzz"),
      algorithm("lgbm", "boosting", "LightGBM"),
      algorithm("alpha", "aaa"),
      algorithm("rf", "bagging", "Random forest"),
    ]);
    expect(groups.map((group) => group.family)).toEqual(["boosting", "bagging", "linear", "aaa", "zzz"]);
    expect(groups[0]?.algorithms.map((item) => item.name)).toEqual(["lgbm", "xgb"]);
    expect(groups[0]?.label).toBe("Gradient boosting");
    expect(groups[3]?.label).toBe("Aaa");
  });

  it("keeps every algorithm exactly once", () => {
    const input = [algorithm("a", "tree"), algorithm("b", "tree"), algorithm("c", "")];
    const names = groupByFamily(input).flatMap((group) => group.algorithms.map((item) => item.name));
    expect(names.sort()).toEqual(["a", "b", "c"]);
    expect(groupByFamily([])).toEqual([]);
  });
});
