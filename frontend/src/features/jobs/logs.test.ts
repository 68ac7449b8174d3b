import { describe, expect, it } from "vitest";
import { isNearBottom, logsPageUrl } from "./logs";

describe("isNearBottom", () => {
  it("is true at the bottom and within the slack, false when scrolled up", () => {
    expect(isNearBottom({ scrollTop: 700, scrollHeight: 1000, clientHeight: 300 })).toBe(true);
    expect(isNearBottom({ scrollTop: 680, scrollHeight: 1000, clientHeight: 300 })).toBe(true);
    expect(isNearBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 300 })).toBe(false);
  });

  it("links to the logs page filtered to the job", () => {
    expect(logsPageUrl("abc 1")).toBe("/logs?job=abc+1");
  });
});
