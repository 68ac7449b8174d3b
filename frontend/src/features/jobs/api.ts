import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { trainingApi, resultsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";
import type { Id, Job, Page } from "../../api/types";
import { parseUtc } from "../../lib/time";
import { toast } from "../../lib/toast";
import { isActive } from "./status";

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
      toast.info("Finishing with the best model so far…");
    },
  });
}
