import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { request } from "../../api/client";
import type { components } from "../../api/schema";
import { queryKeys } from "../../api/queryKeys";
import { parseUtc } from "../../lib/time";

// The log endpoints answer untyped JSON in the OpenAPI schema; these are their shapes (api/routes/system.py).
export interface SystemLog {
  lines: string[];
}

export interface JobLog {
  job_id: string;
  lines: string[];
}

export type JobSummary = components["schemas"]["JobPublic"];
type JobsPage = components["schemas"]["JobsPublic"];

/** Follow mode polls this often: new lines show up about as fast as a person reads them. */
export const LOG_POLL_MS = 2000;
/** The server returns at most this many lines. */
export const MAX_TAIL = 5000;

const seg = encodeURIComponent;

export const logsApi = {
  system: (tail: number) => request<SystemLog>("/api/logs", { query: { tail } }),
  job: (id: string, tail: number) => request<JobLog>(`/api/logs/jobs/${seg(id)}`, { query: { tail } }),
  jobs: () => request<JobsPage>("/api/training/jobs"),
};

/** The server's log, or one job's log when `jobId` is set; polled while `follow` is on. */
export function useLog(jobId: string | null, tail: number, follow: boolean) {
  return useQuery({
    queryKey: jobId ? queryKeys.logs.job(jobId, tail) : queryKeys.logs.system(tail),
    queryFn: async () => (jobId ? (await logsApi.job(jobId, tail)).lines : (await logsApi.system(tail)).lines),
    refetchInterval: follow ? LOG_POLL_MS : false,
    // Switching the number of lines keeps the old lines on screen until the new ones arrive.
    placeholderData: keepPreviousData,
    // A failed poll already shows inline; a toast every 2 s would bury the page.
    meta: { silent: true },
  });
}

function newestFirst(page: JobsPage): JobSummary[] {
  return [...page.items].sort((a, b) => (parseUtc(b.created_at) ?? 0) - (parseUtc(a.created_at) ?? 0));
}

/** Jobs to pick a log from, newest first. */
export function useJobChoices() {
  return useQuery({ queryKey: queryKeys.logs.jobChoices(), queryFn: logsApi.jobs, select: newestFirst });
}
