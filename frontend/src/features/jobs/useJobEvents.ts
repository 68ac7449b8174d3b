import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { type JobStream, type SocketState, useJobSocket } from "../../api/jobSocket";
import { queryKeys } from "../../api/queryKeys";
import type { Id, Job, Leaderboard, Page, Trial } from "../../api/types";
import { type JobCache, type MonitorEvent, isTerminalEvent, parseJobEvent, reduceJobEvent } from "./events";
import type { Curve } from "../../api/hooks/jobs";

export type { SocketState };

/** The cache entries the job's events write: refetched on every (re)open of its socket. */
function jobCacheKeys(jobId: Id) {
  return {
    job: queryKeys.jobs.detail(jobId),
    leaderboard: queryKeys.jobs.leaderboard(jobId),
    trials: queryKeys.jobs.trials(jobId),
    curve: queryKeys.jobs.curve(jobId),
  };
}

/** Reads the job's cache entries, runs the pure reducer, writes back what changed. */
export function applyJobEvent(client: QueryClient, jobId: Id, event: MonitorEvent): void {
  const keys = jobCacheKeys(jobId);
  const cache: JobCache = {
    job: client.getQueryData<Job>(keys.job),
    leaderboard: client.getQueryData<Leaderboard>(keys.leaderboard),
    trials: client.getQueryData<Page<Trial>>(keys.trials),
    curve: client.getQueryData<Curve>(keys.curve),
  };
  const next = reduceJobEvent(cache, event);
  if (next.job && next.job !== cache.job) client.setQueryData(keys.job, next.job);
  if (next.leaderboard && next.leaderboard !== cache.leaderboard) {
    client.setQueryData(keys.leaderboard, next.leaderboard);
  }
  if (next.trials && next.trials !== cache.trials) client.setQueryData(keys.trials, next.trials);
  if (next.curve && next.curve !== cache.curve) client.setQueryData(keys.curve, next.curve);
  if (next.invalidate) {
    for (const key of Object.values(keys)) void client.invalidateQueries({ queryKey: key });
    void client.invalidateQueries({ queryKey: queryKeys.jobs.log(jobId) });
    void client.invalidateQueries({ queryKey: queryKeys.jobs.list() });
    void client.invalidateQueries({ queryKey: queryKeys.models.all });
    void client.invalidateQueries({ queryKey: queryKeys.stats });
  }
}

/**
 * Streams the job's events into the query cache while `enabled` (see useJobSocket for the reconnect rules) and
 * stops after a terminal event.
 */
export function useJobEvents(jobId: Id, enabled: boolean): SocketState {
  const client = useQueryClient();
  const stream = useMemo(
    (): JobStream<MonitorEvent> | null =>
      enabled
        ? {
            jobId,
            parse: parseJobEvent,
            onEvent: (event) => applyJobEvent(client, jobId, event),
            isTerminal: isTerminalEvent,
            // Subscribed, then refetch: whatever changed before the socket opened (a training_started that carried
            // the deadline, trials of a coalesced progress event) arrives with the fresh copies.
            onOpen: () => {
              for (const queryKey of Object.values(jobCacheKeys(jobId))) void client.invalidateQueries({ queryKey });
            },
          }
        : null,
    [client, jobId, enabled],
  );
  return useJobSocket(stream);
}
