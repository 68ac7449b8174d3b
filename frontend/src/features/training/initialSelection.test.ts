import { describe, expect, it } from "vitest";
import { initialSelection } from "./initialSelection";

const titanic = {
  id: "t",
  name: "titanic",
  suggested_target: "Survived",
  columns: [
    { name: "Age", kind: "numeric" as const, dtype: "Float64" },
    { name: "Survived", kind: "boolean" as const, dtype: "Int64" },
  ],
};
const houses = {
  id: "h",
  name: "houses",
  suggested_target: null,
  columns: [{ name: "price", kind: "numeric" as const, dtype: "Float64" }],
};
const datasets = [houses, titanic];

describe("initialSelection", () => {
  it("takes the dataset and target of the link", () => {
    expect(initialSelection(datasets, { dataset: "t", target: "Age" })).toEqual({ datasetId: "t", target: "Age", notice: null });
  });

  it("falls back to the dataset's suggested target", () => {
    expect(initialSelection(datasets, { dataset: "t" })).toEqual({ datasetId: "t", target: "Survived", notice: null });
  });

  it("starts with the newest dataset (the first) and no target when none is suggested", () => {
    expect(initialSelection(datasets, {})).toEqual({ datasetId: "h", target: "", notice: null });
  });

  it("says so when the link's dataset or column does not exist", () => {
    expect(initialSelection(datasets, { dataset: "gone", target: "Age" })).toMatchObject({
      datasetId: "h",
      notice: expect.stringMatching(/no longer exists/),
    });
    expect(initialSelection(datasets, { dataset: "t", target: "Fare" })).toEqual({
      datasetId: "t",
      target: "Survived",
      notice: '"titanic" has no column "Fare"; choose the column to predict below.',
    });
  });

  it("has nothing to select without datasets", () => {
    expect(initialSelection([], { dataset: "t" })).toEqual({ datasetId: "", target: "", notice: null });
  });
});
