import type { JobStatus } from "../api/types";

const TERMINAL: ReadonlySet<JobStatus> = new Set(["completed", "failed", "cancelled"]);

export function isTerminal(status: JobStatus | undefined): boolean {
  return status !== undefined && TERMINAL.has(status);
}

export function isActive(status: JobStatus | undefined): boolean {
  return status !== undefined && !TERMINAL.has(status);
}
