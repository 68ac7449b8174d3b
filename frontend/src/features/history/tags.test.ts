import { describe, expect, it } from "vitest";
import { addTags, removeTag, sameTags, splitTags } from "./tags";

describe("tag editing", () => {
  it("splits typed text at commas and trims", () => {
    expect(splitTags(" churn , q3,, ")).toEqual(["churn", "q3"]);
    expect(splitTags("   ")).toEqual([]);
  });

  it("adds only tags not already there, ignoring case", () => {
    expect(addTags(["Churn"], "churn, v2, V2")).toEqual(["Churn", "v2"]);
    expect(addTags([], "")).toEqual([]);
  });

  it("removes one tag and compares lists", () => {
    expect(removeTag(["a", "b"], "a")).toEqual(["b"]);
    expect(sameTags(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameTags(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameTags(["a"], ["a", "b"])).toBe(false);
  });
});
