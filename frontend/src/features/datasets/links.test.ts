import { describe, expect, it } from "vitest";
import { initialSelection } from "../training/initialSelection";
import { trainLink } from "./links";

describe("trainLink", () => {
  it("carries the dataset and, when given, the target", () => {
    expect(trainLink("abc")).toBe("/train?dataset=abc");
    expect(trainLink("abc", "Survived")).toBe("/train?dataset=abc&target=Survived");
  });

  it("round-trips a column name with spaces and symbols through the Train page's preselection", () => {
    const target = "income >50K & more";
    const params = new URLSearchParams(trainLink("d1", target).split("?")[1]);
    const dataset = { id: "d1", name: "adult", suggested_target: null, columns: [{ name: target, kind: "categorical" as const, dtype: "String" }] };
    expect(initialSelection([dataset], { dataset: params.get("dataset"), target: params.get("target") })).toMatchObject({
      datasetId: "d1",
      target,
    });
  });
});
