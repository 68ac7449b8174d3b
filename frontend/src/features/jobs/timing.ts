import type { Job } from "../../api/types";
import { parseUtc } from "../../lib/time";
import { isActive } from "./status";

export interface JobTiming {
  /** Seconds since the job started (or was created), up to when it finished. */
  elapsed: number | null;
  /** Seconds until the job's deadline while it is active; null once finished or without a deadline. */
  remaining: number | null;
}

export function jobTiming(job: Job, now: number): JobTiming {
  const start = parseUtc(job.started_at) ?? parseUtc(job.created_at);
  const end = parseUtc(job.finished_at) ?? now;
  const deadline = parseUtc(job.deadline);
  return {
    elapsed: start === null ? null : Math.max(0, (end - start) / 1000),
    remaining: isActive(job.status) && deadline !== null ? Math.max(0, (deadline - now) / 1000) : null,
  };
}
