// Keeping a leaderboard trial as its own model: POST starts a background refit on the server, GET follows it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { components } from "../../api/schema";
import type { Id } from "../../api/types";

export type Refit = components["schemas"]["RefitView"];

// While a refit runs, its row is polled this often; nothing is polled once every refit has ended.
const POLL_MS = 2000;

/** Refits by trial number: what each leaderboard row shows. */
export function refitsByTrial(refits: readonly Refit[]): Map<number, Refit> {
  return new Map(refits.map((refit) => [refit.trial_number, refit]));
}

export function anyRunning(refits: readonly Refit[] | undefined): boolean {
  return (refits ?? []).some((refit) => refit.state === "running");
}

/** Trial numbers that were refitting in `before` and have a model in `after`. */
export function newlyKept(before: readonly Refit[] | undefined, after: readonly Refit[]): number[] {
  const running = new Set((before ?? []).filter((r) => r.state === "running").map((r) => r.trial_number));
  return after.filter((r) => r.state === "completed" && running.has(r.trial_number)).map((r) => r.trial_number);
}

export function useJobRefits(jobId: Id, enabled = true) {
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.jobs.refits(jobId),
    queryFn: async () => {
      const { items } = await unwrap(api.GET("/api/results/job/{job_id}/refits", { params: { path: { job_id: jobId } } }));
      // A refit that just finished is a new model: the Models list must show it.
      if (newlyKept(client.getQueryData<Refit[]>(queryKeys.jobs.refits(jobId)), items).length > 0) {
        await client.invalidateQueries({ queryKey: queryKeys.models.list() });
      }
      return items;
    },
    enabled,
    refetchInterval: (query) => (anyRunning(query.state.data) ? POLL_MS : false),
  });
}

export function useKeepTrial(jobId: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (trialNumber: number) =>
      unwrap(api.POST("/api/results/job/{job_id}/trials/{trial_number}/model", { params: { path: { job_id: jobId, trial_number: trialNumber } } })),
    onSuccess: async (refit) => {
      client.setQueryData<Refit[]>(queryKeys.jobs.refits(jobId), (current) => [
        ...(current ?? []).filter((r) => r.trial_number !== refit.trial_number),
        refit,
      ]);
      await client.invalidateQueries({ queryKey: queryKeys.jobs.refits(jobId) });
    },
  });
}
