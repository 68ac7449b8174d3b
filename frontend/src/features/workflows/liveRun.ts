// Applies a run event to the query cache: the pure reducer (runState.ts) over the cached RunDetail, plus what an
// event makes stale elsewhere (a model node's leaderboard on progress, the runs list when the run ends).
import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "../../api/queryKeys";
import { runKeys, type RunDetail } from "../../api/hooks/workflowRuns";
import type { Id } from "../../api/types";
import { applyRunEvent, isFinishEvent, type RunEvent } from "./runState";

/** The run a socket follows: the run's job streams its events. */
export interface FollowedRun {
  workflowId: Id;
  runId: Id;
  jobId: Id;
}

/** The state of the run's socket, for the toolbar's status line. */
export type RunSocketState = "connecting" | "live" | "reconnecting" | "closed";

/**
 * Opens the run's job socket while `run` is set and active, applies each event and returns the socket's state.
 * Injected by the route (it composes the jobs feature's reconnect rules with this feature's reducer), so the
 * canvas does not import another feature.
 */
export type RunSocketHook = (run: FollowedRun | null) => RunSocketState;

export function applyRunEventToCache(client: QueryClient, run: FollowedRun, event: RunEvent): void {
  const key = runKeys.detail(run.workflowId, run.runId);
  const cached = client.getQueryData<RunDetail>(key);
  if (cached) client.setQueryData(key, applyRunEvent(cached, event));
  if (event.type === "node_progress" && event.data.job_id) {
    void client.invalidateQueries({ queryKey: queryKeys.jobs.leaderboard(event.data.job_id) });
  }
  if (isFinishEvent(event)) refreshRun(client, run);
}

/** Fetches the run's detail again (after a reconnect, at its end: the events missed or the final outputs). */
export function refreshRun(client: QueryClient, run: FollowedRun): void {
  void client.invalidateQueries({ queryKey: runKeys.detail(run.workflowId, run.runId) });
  void client.invalidateQueries({ queryKey: runKeys.list(run.workflowId) });
}
