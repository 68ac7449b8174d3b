import { describe, expect, it } from "vitest";
import { makeJob } from "../../test/factories";
import { filterCounts, matchesFilter } from "./list";

describe("job list filters", () => {
  const jobs = [
    makeJob({ status: "running" }),
    makeJob({ status: "queued" }),
    makeJob({ status: "completed" }),
    makeJob({ status: "failed" }),
    makeJob({ status: "cancelled" }),
  ];

  it("groups waiting with running, and failed with cancelled", () => {
    expect(jobs.filter((job) => matchesFilter(job, "active")).map((job) => job.status)).toEqual(["running", "queued"]);
    expect(jobs.filter((job) => matchesFilter(job, "problems")).map((job) => job.status)).toEqual([
      "failed",
      "cancelled",
    ]);
  });

  it("counts every tab", () => {
    expect(filterCounts(jobs)).toEqual({ all: 5, active: 2, completed: 1, problems: 2 });
  });
});
