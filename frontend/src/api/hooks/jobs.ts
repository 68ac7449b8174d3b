import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import { trainingApi, resultsApi } from "../endpoints";
import { queryKeys } from "../queryKeys";
import type { components } from "../schema";
import type { Id, Job, Page } from "../types";
import { parseUtc } from "../../lib/time";
import { toast } from "../../lib/toast";
import { isActive } from "../../lib/jobStatus";

/** GET /api/results/job/{id}/curve: the best score each time it improved, `seconds` after the job started. */
export type Curve = components["schemas"]["Curve"];
export type CurvePoint = components["schemas"]["CurvePoint"];

/** GET /api/logs/jobs/{id}: the last lines of the job's own log file, oldest first. */
export type JobLog = components["schemas"]["JobLog"];

const job = (id: Id) => ({ params: { path: { job_id: id } } });

export const jobsApi = {
  curve: (jobId: Id): Promise<Curve> => unwrap(api.GET("/api/results/job/{job_id}/curve", job(jobId))),
  log: (jobId: Id, tail: number): Promise<JobLog> =>
    unwrap(api.GET("/api/logs/jobs/{job_id}", { params: { path: { job_id: jobId }, query: { tail } } })),
};

/** The safety net under the WebSocket: while a job runs, its row is refetched every 5 s anyway. */
export const JOB_POLL_MS = 5000;

function newestFirst(page: Page<Job>): Job[] {
  return [...page.items].sort((a, b) => (parseUtc(b.created_at) ?? 0) - (parseUtc(a.created_at) ?? 0));
}

export function useJobs() {
  return useQuery({
    queryKey: queryKeys.jobs.list(),
    queryFn: () => trainingApi.jobs(),
    select: newestFirst,
    refetchInterval: (query) => (query.state.data?.items.some((job) => isActive(job.status)) ? JOB_POLL_MS : false),
  });
}

export function useJob(id: Id) {
  return useQuery({
    queryKey: queryKeys.jobs.detail(id),
    queryFn: () => trainingApi.job(id),
    refetchInterval: (query) => (isActive(query.state.data?.status) ? JOB_POLL_MS : false),
  });
}

/** The server may coalesce progress events under back-pressure, dropping a trial; a slow poll catches it up. */
export const LEADERBOARD_POLL_MS = 15_000;

export function useLeaderboard(jobId: Id | undefined, live = false) {
  return useQuery({
    queryKey: queryKeys.jobs.leaderboard(jobId ?? ""),
    queryFn: () => resultsApi.leaderboard(jobId ?? ""),
    enabled: Boolean(jobId),
    refetchInterval: live ? LEADERBOARD_POLL_MS : false,
  });
}

/**
 * Every trial (running and failed ones too; the leaderboard endpoint lists only the scored ones), patched live by
 * useJobEvents on the job page, read once by the model page. `live`: a slow poll catches up trials whose events were
 * coalesced away.
 */
export function useJobTrials(jobId: Id, live = false) {
  return useQuery({
    queryKey: queryKeys.jobs.trials(jobId),
    queryFn: () => resultsApi.trials(jobId),
    refetchInterval: live ? LEADERBOARD_POLL_MS : false,
  });
}

/** The best score each time it improved; useJobEvents appends improvements as trials finish. */
export function useJobCurve(jobId: Id, live = false) {
  return useQuery({
    queryKey: queryKeys.jobs.curve(jobId),
    queryFn: () => jobsApi.curve(jobId),
    refetchInterval: live ? LEADERBOARD_POLL_MS : false,
  });
}

export const JOB_LOG_TAIL = 200;
export const JOB_LOG_POLL_MS = 2000;

/** The job's log, polled every 2 s while it runs (the log has no live event of its own). */
export function useJobLog(jobId: Id, live: boolean) {
  return useQuery({
    queryKey: queryKeys.jobs.log(jobId),
    queryFn: () => jobsApi.log(jobId, JOB_LOG_TAIL),
    refetchInterval: live ? JOB_LOG_POLL_MS : false,
    // A failing poll every 2 s would toast every 2 s; the pane shows the error itself.
    meta: { silent: true },
  });
}

export function useCancelJob(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => trainingApi.cancel(id),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.jobs.detail(id), job);
      void client.invalidateQueries({ queryKey: queryKeys.jobs.all });
      toast.info("Cancelling the job…");
    },
  });
}

/** Stop searching now and finish with the best model so far (the job still completes with a model). */
export function useStopJob(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => trainingApi.stop(id),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.jobs.detail(id), job);
      void client.invalidateQueries({ queryKey: queryKeys.jobs.list() });
      toast.info("Finishing with the best model so far…");
    },
  });
}
