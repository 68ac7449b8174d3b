import { useEffect, useState } from "react";

/** Milliseconds since the epoch; a timestamp without a zone is read as UTC, as docs/api.md promises UTC. */
export function parseUtc(value: string | null | undefined): number | null {
  if (!value) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export function formatDateTime(value: string | null | undefined): string {
  const ms = parseUtc(value);
  return ms === null ? "—" : new Date(ms).toLocaleString();
}

export function formatAgo(value: string | null | undefined, now = Date.now()): string {
  const ms = parseUtc(value);
  if (ms === null) return "—";
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(ms).toLocaleDateString();
}

/** The current time, refreshed every `intervalMs` while `active`. */
export function useNow(intervalMs = 1000, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
