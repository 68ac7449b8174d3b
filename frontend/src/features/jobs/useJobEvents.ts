import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { accessToken, renewAfter401 } from "../../api/auth";
import { queryKeys } from "../../api/queryKeys";
import type { Id, Job, Leaderboard, Page, Trial } from "../../api/types";
import { type JobCache, type MonitorEvent, isTerminalEvent, parseJobEvent, reduceJobEvent } from "./events";
import { AUTH_CLOSE_CODE, FINAL_CLOSE_CODES, backoffDelay, jobSocketUrl, socketProtocols } from "./reconnect";
import type { Curve } from "../../api/hooks/jobs";

export type SocketState = "connecting" | "live" | "reconnecting" | "closed";

/** Reads the job's cache entries, runs the pure reducer, writes back what changed. */
export function applyJobEvent(client: QueryClient, jobId: Id, event: MonitorEvent): void {
  const keys = {
    job: queryKeys.jobs.detail(jobId),
    leaderboard: queryKeys.jobs.leaderboard(jobId),
    trials: queryKeys.jobs.trials(jobId),
    curve: queryKeys.jobs.curve(jobId),
  };
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
 * Streams `/ws/jobs/:id` into the query cache while `enabled`. Reconnects with backoff and resumes with
 * `?since=<last event id>`, so nothing is missed; stops after a terminal event. The access token goes as a
 * subprotocol; a socket refused for its token (close code 4401) renews the token and reconnects at once, once per
 * attempt: a second refusal falls back to the backoff.
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
    // Whether this attempt already renewed the token after a 4401: a second refusal waits for the backoff instead.
    let renewed = false;

    const retryLater = () => {
      renewed = false;
      setState("reconnecting");
      timer = window.setTimeout(connect, backoffDelay(attempt));
      attempt += 1;
    };

    const connect = () => {
      setState(attempt === 0 ? "connecting" : "reconnecting");
      const token = accessToken();
      socket = new WebSocket(jobSocketUrl(window.location, jobId, lastId), socketProtocols(token));
      socket.onopen = () => {
        attempt = 0;
        setState("live");
        // Subscribe, then refetch: whatever changed before the socket opened (a training_started that carried the
        // deadline, trials of a coalesced progress event) arrives with the fresh copies.
        void client.invalidateQueries({ queryKey: queryKeys.jobs.detail(jobId) });
        void client.invalidateQueries({ queryKey: queryKeys.jobs.leaderboard(jobId) });
        void client.invalidateQueries({ queryKey: queryKeys.jobs.trials(jobId) });
        void client.invalidateQueries({ queryKey: queryKeys.jobs.curve(jobId) });
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
      socket.onclose = (event: CloseEvent) => {
        if (stopped) return;
        if (FINAL_CLOSE_CODES.includes(event.code)) {
          setState("closed");
          return;
        }
        if (event.code !== AUTH_CLOSE_CODE || renewed) {
          retryLater();
          return;
        }
        renewed = true;
        setState("reconnecting");
        renewAfter401(token).then(
          (fresh) => {
            if (stopped) return;
            // No token: the session is over and the route guard is taking the user to /login.
            if (fresh) connect();
            else setState("closed");
          },
          () => {
            if (!stopped) retryLater();
          },
        );
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
