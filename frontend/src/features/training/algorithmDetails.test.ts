import { describe, expect, it } from "vitest";
import { makeAlgorithm } from "../../test/factories";
import { formatValue, gpuText, originText, spaceRows, spaceTasks, tasksText } from "./algorithmDetails";

const lightgbm = makeAlgorithm({
  name: "lightgbm",
  label: "LightGBM",
  family: "boosting",
  tasks: ["binary", "multiclass", "regression"],
  gpu: "lightgbm",
  space: {
    binary: {
      params: {
        n_estimators: { kind: "int", low: 50, high: 3000, log: true, step: 1, when: null, help: "" },
        max_bin: { kind: "int", low: 32, high: 256, log: false, step: 32, when: null, help: "" },
        learning_rate: { kind: "float", low: 0.01, high: 0.3, log: true, when: null, help: "step size" },
        boosting: { kind: "categorical", choices: ["gbdt", "dart"], when: null, help: "" },
        drop_rate: { kind: "float", low: 0.05, high: 0.5, log: false, when: { param: "boosting", values: ["dart"] }, help: "" },
        class_weight: { kind: "categorical", choices: [null, "balanced"], when: null, help: "" },
      },
    },
    regression: { params: { n_estimators: { kind: "int", low: 50, high: 500, log: false, step: 1, when: null, help: "" } } },
  },
  defaults: {
    binary: { n_estimators: 200, max_bin: 64, learning_rate: 0.1, boosting: "gbdt", class_weight: null, verbosity: -1 },
    regression: { n_estimators: 100 },
  },
});

describe("spaceRows", () => {
  it("describes each searched parameter: range or choices, scale, default and condition, in sampling order", () => {
    const rows = spaceRows(lightgbm, "binary");
    expect(rows.map((row) => row.name)).toEqual([
      "n_estimators",
      "max_bin",
      "learning_rate",
      "boosting",
      "drop_rate",
      "class_weight",
      "verbosity",
    ]);
    expect(rows[0]).toMatchObject({ values: "50 – 3,000", scale: "log", initial: "200", condition: "", fixed: false });
    expect(rows[1]).toMatchObject({ values: "32 – 256 in steps of 32", scale: "linear", initial: "64" });
    expect(rows[2]).toMatchObject({ values: "0.01 – 0.3", scale: "log", initial: "0.1", help: "step size" });
    expect(rows[3]).toMatchObject({ values: "gbdt, dart", scale: "", initial: "gbdt" });
    // Under an unmet condition the defaults leave the parameter out.
    expect(rows[4]).toMatchObject({ initial: "—", condition: "only when boosting is dart" });
    expect(rows[5]).toMatchObject({ values: "none, balanced", initial: "none" });
  });

  it("lists a default the space does not search as fixed", () => {
    expect(spaceRows(lightgbm, "binary").at(-1)).toEqual({
      name: "verbosity",
      values: "fixed",
      scale: "",
      initial: "-1",
      condition: "",
      help: "",
      fixed: true,
    });
  });

  it("reads the space of the task asked for, and nothing for a task without one", () => {
    expect(spaceRows(lightgbm, "regression")).toEqual([
      { name: "n_estimators", values: "50 – 500", scale: "linear", initial: "100", condition: "", help: "", fixed: false },
    ]);
    expect(spaceRows(lightgbm, "multiclass")).toEqual([]);
  });
});

describe("spaceTasks", () => {
  it("puts the form's task first, and keeps only tasks with a space", () => {
    expect(spaceTasks(lightgbm, "regression")).toEqual(["regression", "binary"]);
    expect(spaceTasks(lightgbm, undefined)).toEqual(["binary", "regression"]);
    expect(spaceTasks(lightgbm, "multiclass")).toEqual(["binary", "regression"]);
  });
});

describe("facts", () => {
  it("words the origin: built in, or the plugin's package and version", () => {
    expect(originText({ source: "builtin", package: null, version: null })).toBe("Built in");
    expect(originText({ source: "plugin", package: "flowml-plugin-example", version: "0.1.0" })).toBe(
      "Plugin flowml-plugin-example 0.1.0",
    );
    expect(originText({ source: "plugin", package: "acme-models", version: null })).toBe("Plugin acme-models");
  });

  it("words GPU ability and tasks", () => {
    expect(gpuText(null)).toBe("CPU only");
    expect(gpuText("xgboost")).toContain("xgboost");
    expect(tasksText(["binary", "regression"])).toBe("Binary classification, Regression");
  });

  it("formats values as a person reads them", () => {
    expect(formatValue(0.001)).toBe("0.001");
    expect(formatValue(1e-7)).toBe("1e-7");
    expect(formatValue(3000)).toBe("3,000");
    expect(formatValue(true)).toBe("true");
    expect(formatValue(null)).toBe("none");
    expect(formatValue([1, 2])).toBe("[1,2]");
  });
});
