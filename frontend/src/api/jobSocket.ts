// One job's WebSocket, `/ws/jobs/:id`, shared by the job monitor and the workflow canvas (which follows its run's
// job): what each does with an event is passed in, the connection rules (jobSocketRules.ts) are the same for both.
import { useEffect, useState } from "react";
import { accessToken, renewAfter401 } from "./auth";
import { backoffDelay, closeAction, jobSocketUrl, socketProtocols } from "./jobSocketRules";
import type { Id } from "./types";

export type SocketState = "connecting" | "live" | "reconnecting" | "closed";

/** The job to follow and what a caller does with its stream. */
export interface JobStream<E> {
  jobId: Id;
  /** One message as an event, or null for one to skip (a heartbeat, an event the caller does not act on, garbage). */
  parse: (raw: string) => E | null;
  /** Applies one event (to the query cache). */
  onEvent: (event: E) => void;
  /** Whether the event ends the stream: the socket closes and is not reopened. */
  isTerminal: (event: E) => boolean;
  /** Runs on every (re)open, once subscribed: refetch what changed before the socket opened or while it was down. */
  onOpen: () => void;
}

/**
 * Streams `/ws/jobs/:jobId` into the stream's handlers while `stream` is set. Reconnects with backoff and resumes with
 * `?since=<last event id>`, so nothing is missed; stops after a terminal event. The access token goes as a
 * subprotocol; a socket refused for its token (close code 4401) renews the token and reconnects at once, once per
 * attempt: a second refusal falls back to the backoff.
 *
 * `stream` must keep its identity between renders (useMemo): a new object reopens the socket, which is also how a
 * caller reopens it when what its handlers act on changes.
 */
export function useJobSocket<E extends { id?: number | null }>(stream: JobStream<E> | null): SocketState {
  const [state, setState] = useState<SocketState>(stream ? "connecting" : "closed");

  useEffect(() => {
    if (!stream) {
      setState("closed");
      return undefined;
    }
    const { jobId } = stream;
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

    const renewThenConnect = (token: string | null) => {
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

    const connect = () => {
      setState(attempt === 0 ? "connecting" : "reconnecting");
      const token = accessToken();
      socket = new WebSocket(jobSocketUrl(window.location, jobId, lastId), socketProtocols(token));
      socket.onopen = () => {
        attempt = 0;
        setState("live");
        stream.onOpen();
      };
      socket.onmessage = (message: MessageEvent<string>) => {
        const event = stream.parse(message.data);
        if (!event) return;
        if (typeof event.id === "number") lastId = event.id;
        stream.onEvent(event);
        if (stream.isTerminal(event)) {
          stopped = true;
          socket?.close();
          setState("closed");
        }
      };
      socket.onclose = (event: CloseEvent) => {
        if (stopped) return;
        const action = closeAction(event.code, renewed);
        if (action === "give-up") setState("closed");
        else if (action === "renew") renewThenConnect(token);
        else retryLater();
      };
    };

    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, [stream]);

  return state;
}
