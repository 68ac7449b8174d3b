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
