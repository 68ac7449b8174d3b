import { describe, expect, it } from "vitest";
import { trainLink } from "../../lib/links";
import { initialSelection, preselectedTarget } from "./initialSelection";

const titanic = {
  id: "t",
  name: "titanic",
  columns: [
    { name: "Age", kind: "numeric" as const, dtype: "Float64" },
    { name: "Survived", kind: "boolean" as const, dtype: "Int64" },
  ],
};
const houses = {
  id: "h",
  name: "houses",
  columns: [{ name: "price", kind: "numeric" as const, dtype: "Float64" }],
};
const datasets = [houses, titanic];

describe("initialSelection", () => {
  it("takes the dataset and target of the link", () => {
    expect(initialSelection(datasets, { dataset: "t", target: "Age" })).toEqual({ datasetId: "t", target: "Age", notice: null });
  });

  it("leaves the target to the server's ranking when the link names none", () => {
    expect(initialSelection(datasets, { dataset: "t" })).toEqual({ datasetId: "t", target: "", notice: null });
  });

  it("starts with the newest dataset (the first)", () => {
    expect(initialSelection(datasets, {})).toEqual({ datasetId: "h", target: "", notice: null });
  });

  it("says so when the link's dataset or column does not exist", () => {
    expect(initialSelection(datasets, { dataset: "gone", target: "Age" })).toEqual({
      datasetId: "h",
      target: "",
      notice: "The dataset in the link no longer exists; showing the newest one.",
    });
    expect(initialSelection(datasets, { dataset: "t", target: "Fare" })).toEqual({
      datasetId: "t",
      target: "",
      notice: '"titanic" has no column "Fare"; choose the column to predict below.',
    });
  });

  it("has nothing to select without datasets", () => {
    expect(initialSelection([], { dataset: "t" })).toEqual({ datasetId: "", target: "", notice: null });
  });
});

describe("preselectedTarget", () => {
  it("pre-selects the first candidate only when the server is confident", () => {
    expect(preselectedTarget([{ name: "Survived", confidence: "high" }, { name: "Age", confidence: "low" }], titanic.columns)).toBe("Survived");
    expect(preselectedTarget([{ name: "Survived", confidence: "medium" }], titanic.columns)).toBe("");
    expect(preselectedTarget([{ name: "Age", confidence: "low" }], titanic.columns)).toBe("");
  });

  it("selects nothing without candidates, or for a candidate that is not a column of this dataset", () => {
    expect(preselectedTarget([], titanic.columns)).toBe("");
    expect(preselectedTarget(undefined, titanic.columns)).toBe("");
    expect(preselectedTarget([{ name: "price", confidence: "high" }], titanic.columns)).toBe("");
  });
});

describe("a Train link from the Data page", () => {
  it("round-trips a column name with spaces and symbols into the preselection", () => {
    const target = "income >50K & more";
    const params = new URLSearchParams(trainLink("d1", target).split("?")[1]);
    const dataset = { id: "d1", name: "adult", suggested_target: null, columns: [{ name: target, kind: "categorical" as const, dtype: "String" }] };
    expect(initialSelection([dataset], { dataset: params.get("dataset"), target: params.get("target") })).toMatchObject({
      datasetId: "d1",
      target,
    });
  });
});
