import { describe, expect, it } from "vitest";
import { NO_FILTERS, isFiltered, readFilters, tagsOf, toQuery, writeFilters } from "./filters";

describe("history filters in the address", () => {
  it("reads the parameters, ignoring a status the server does not know", () => {
    const params = new URLSearchParams("q=churn&tag=baseline&status=completed&project=private&tab=x");
    expect(readFilters(params)).toEqual({ q: "churn", tag: "baseline", status: "completed", project: "private" });
    expect(readFilters(new URLSearchParams("status=bogus")).status).toBe("");
    expect(readFilters(new URLSearchParams())).toEqual(NO_FILTERS);
  });

  it("writes a change, dropping blanks and keeping other parameters", () => {
    const params = new URLSearchParams("q=old&compare=a,b");
    const next = writeFilters(params, { q: "", tag: "v2" });
    expect(next.get("q")).toBeNull();
    expect(next.get("tag")).toBe("v2");
    expect(next.get("compare")).toBe("a,b");
    expect(params.get("q")).toBe("old"); // the original is not changed
  });

  it("sends only the filters that are set, with the server's parameter names", () => {
    expect(toQuery(NO_FILTERS)).toEqual({});
    expect(toQuery({ q: "  hr  model ", tag: "", status: "failed", project: "abc" })).toEqual({
      q: "hr  model",
      status: "failed",
      project_id: "abc",
    });
    expect(isFiltered({ ...NO_FILTERS, q: "   " })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, project: "private" })).toBe(true);
  });

  it("lists each tag once, first spelling, sorted without regard to case", () => {
    const items = [{ tags: ["zeta", "Baseline"] }, { tags: ["baseline", "alpha"] }, { tags: null }, {}];
    expect(tagsOf(items)).toEqual(["alpha", "Baseline", "zeta"]);
  });
});
