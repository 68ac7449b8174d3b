import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { queryKeys } from "../../api/queryKeys";
import type { Id, Job, JobEvent, Leaderboard } from "../../api/types";
import { isTerminalEvent, parseJobEvent, reduceJobEvent } from "./events";
import { backoffDelay, jobSocketUrl } from "./reconnect";

export type SocketState = "connecting" | "live" | "reconnecting" | "closed";

/** Reads the job's cache entries, runs the pure reducer, writes back what changed. */
export function applyJobEvent(client: QueryClient, jobId: Id, event: JobEvent): void {
  const jobKey = queryKeys.jobs.detail(jobId);
  const boardKey = queryKeys.jobs.leaderboard(jobId);
  const cache = {
    job: client.getQueryData<Job>(jobKey),
    leaderboard: client.getQueryData<Leaderboard>(boardKey),
  };
  const next = reduceJobEvent(cache, event);
  if (next.job && next.job !== cache.job) client.setQueryData(jobKey, next.job);
  if (next.leaderboard && next.leaderboard !== cache.leaderboard) client.setQueryData(boardKey, next.leaderboard);
  if (next.invalidate) {
    void client.invalidateQueries({ queryKey: jobKey });
    void client.invalidateQueries({ queryKey: boardKey });
    void client.invalidateQueries({ queryKey: queryKeys.jobs.list() });
    void client.invalidateQueries({ queryKey: queryKeys.models.all });
    void client.invalidateQueries({ queryKey: queryKeys.stats });
  }
}

/**
 * Streams `/ws/jobs/:id` into the query cache while `enabled`. Reconnects with backoff and resumes with
 * `?since=<last event id>`, so nothing is missed; stops after a terminal event.
 */
export function useJobEvents(jobId: Id, enabled: boolean): SocketState {
  const client = useQueryClient();
  const [state, setState] = useState<SocketState>("connecting");

  useEffect(() => {
    if (!enabled) {
      setState("closed");
      return undefined;
    }
    let socket: WebSocket | null = null;
    let timer: number | undefined;
    let attempt = 0;
    let lastId: number | undefined;
    let stopped = false;

    const connect = () => {
      setState(attempt === 0 ? "connecting" : "reconnecting");
      socket = new WebSocket(jobSocketUrl(window.location, jobId, lastId));
      socket.onopen = () => {
        attempt = 0;
        setState("live");
        // Subscribe, then refetch: whatever changed before the socket opened (a training_started that carried the
        // deadline, trials of a coalesced progress event) arrives with the fresh copies.
        void client.invalidateQueries({ queryKey: queryKeys.jobs.detail(jobId) });
        void client.invalidateQueries({ queryKey: queryKeys.jobs.leaderboard(jobId) });
      };
      socket.onmessage = (message: MessageEvent<string>) => {
        const event = parseJobEvent(message.data);
        if (!event) return;
        if (typeof event.id === "number") lastId = event.id;
        applyJobEvent(client, jobId, event);
        if (isTerminalEvent(event)) {
          stopped = true;
          socket?.close();
          setState("closed");
        }
      };
      socket.onclose = () => {
        if (stopped) return;
        setState("reconnecting");
        timer = window.setTimeout(connect, backoffDelay(attempt));
        attempt += 1;
      };
    };

    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, [client, jobId, enabled]);

  return state;
}
