import { describe, expect, it } from "vitest";
import { niceRange } from "./axis";

describe("niceRange", () => {
  it("rounds outwards to half a power of ten of the span", () => {
    expect(niceRange(0.12, 0.93)).toEqual({ min: 0.1, max: 0.95 });
    expect(niceRange(-3.2, 7.7)).toEqual({ min: -5, max: 10 });
    expect(niceRange(2, 2)).toEqual({ min: 2, max: 3 });
  });
});
