import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { jobsApi } from "../../api/hooks/jobs";
import type { components } from "../../api/schema";
import { queryKeys } from "../../api/queryKeys";
import { parseUtc } from "../../lib/time";

export type SystemLog = components["schemas"]["SystemLog"];
export type JobSummary = components["schemas"]["JobPublic"];
type JobsPage = components["schemas"]["JobsPublic"];

/** Follow mode polls this often: new lines show up about as fast as a person reads them. */
export const LOG_POLL_MS = 2000;
/** The server returns at most this many lines. */
export const MAX_TAIL = 5000;

export const logsApi = {
  system: (tail: number): Promise<SystemLog> => unwrap(api.GET("/api/logs", { params: { query: { tail } } })),
  jobs: (): Promise<JobsPage> => unwrap(api.GET("/api/training/jobs")),
};

/** The server's log, or one job's log when `jobId` is set; polled while `follow` is on. */
export function useLog(jobId: string | null, tail: number, follow: boolean) {
  return useQuery({
    queryKey: jobId ? queryKeys.logs.job(jobId, tail) : queryKeys.logs.system(tail),
    queryFn: async () => (jobId ? (await jobsApi.log(jobId, tail)).lines : (await logsApi.system(tail)).lines),
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
