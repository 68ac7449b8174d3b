// The job socket's pure rules: where it connects, how it authenticates, how long it waits before a retry and what
// each close code means. useJobSocket (jobSocket.ts) drives a WebSocket by them; they are unit tested on their own.

/** Exponential backoff with jitter for WebSocket reconnects: 1 s, 2 s, 4 s ... capped at 30 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** `ws://` or `wss://` matching the page, with `?since=` when resuming. */
export function jobSocketUrl(location: Pick<Location, "protocol" | "host">, jobId: string, since?: number): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = since === undefined ? "" : `?since=${encodeURIComponent(String(since))}`;
  return `${scheme}://${location.host}/ws/jobs/${encodeURIComponent(jobId)}${query}`;
}

/** Browsers cannot set headers on a WebSocket: the access token travels as the second of two subprotocols. */
export const BEARER_SUBPROTOCOL = "flowml.bearer";
/** The close code of a socket the server refused for want of a valid token. */
export const AUTH_CLOSE_CODE = 4401;

/** Refusals that no retry can change: not allowed to follow these events (4403), no such job for this user (4404). */
export const FINAL_CLOSE_CODES: readonly number[] = [4403, 4404];

/** The subprotocols to open the job socket with: none without a token (the server then refuses with 4401). */
export function socketProtocols(token: string | null): string[] | undefined {
  return token ? [BEARER_SUBPROTOCOL, token] : undefined;
}

/** What to do when the socket closed on its own: give up, renew the token and reconnect at once, or back off. */
export type CloseAction = "give-up" | "renew" | "retry";

/**
 * The reaction to a close code. A refused token (4401) is renewed once per attempt: if the renewed token is refused
 * too, something other than its age is wrong, so the socket falls back to the backoff instead of looping.
 */
export function closeAction(code: number, renewedThisAttempt: boolean): CloseAction {
  if (FINAL_CLOSE_CODES.includes(code)) return "give-up";
  if (code === AUTH_CLOSE_CODE && !renewedThisAttempt) return "renew";
  return "retry";
}
