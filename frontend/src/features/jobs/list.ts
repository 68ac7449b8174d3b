import type { Job } from "../../api/types";

/** The job list's filter tabs, in plain words. */
export const JOB_FILTERS = [
  { value: "all", label: "All" },
  { value: "active", label: "Running or waiting" },
  { value: "completed", label: "Completed" },
  { value: "problems", label: "Failed or cancelled" },
] as const;

export type JobFilter = (typeof JOB_FILTERS)[number]["value"];

export function matchesFilter(job: Job, filter: JobFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "active":
      return job.status === "pending" || job.status === "queued" || job.status === "running";
    case "completed":
      return job.status === "completed";
    case "problems":
      return job.status === "failed" || job.status === "cancelled";
  }
}

/** How many jobs each tab would show, for the tab labels. */
export function filterCounts(jobs: readonly Job[]): Record<JobFilter, number> {
  const counts: Record<JobFilter, number> = { all: 0, active: 0, completed: 0, problems: 0 };
  for (const job of jobs) {
    for (const { value } of JOB_FILTERS) if (matchesFilter(job, value)) counts[value] += 1;
  }
  return counts;
}
