import { describe, expect, it } from "vitest";
import { compareUrl, trainLink } from "./links";

describe("trainLink", () => {
  it("carries the dataset and, when given, the target", () => {
    expect(trainLink("abc")).toBe("/train?dataset=abc");
    expect(trainLink("abc", "Survived")).toBe("/train?dataset=abc&target=Survived");
  });
});

describe("compareUrl", () => {
  it("lists the ids, each escaped, under the kind", () => {
    expect(compareUrl("jobs", ["a", "b,c"])).toBe("/compare?jobs=a,b%2Cc");
  });
});
