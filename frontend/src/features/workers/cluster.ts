import type { JoinToken, Worker } from "../../api/hooks/workers";

export type Tone = "ok" | "warn" | "danger" | "muted";

/** A broker or database status ("ok", "error: <why>", "not configured") as a tone and plain words. */
export function serviceHealth(status: string): { tone: Tone; label: string; detail: string | null } {
  if (status === "ok") return { tone: "ok", label: "Working", detail: null };
  if (status === "not configured") return { tone: "muted", label: "Not used", detail: null };
  const why = status.replace(/^error:\s*/i, "");
  return { tone: "danger", label: "Not reachable", detail: why || status };
}

/** The master's own pool first, then online machines, then by name: the ones doing work lead the list. */
export function sortWorkers(workers: Worker[]): Worker[] {
  const rank = (worker: Worker) => (worker.kind === "local" ? 0 : worker.status === "online" ? 1 : 2);
  return [...workers].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function remoteWorkers(workers: Worker[]): Worker[] {
  return workers.filter((worker) => worker.kind !== "local");
}

/** Trials running right now across every worker. */
export function runningTrialCount(workers: Worker[]): number {
  return workers.reduce((sum, worker) => sum + (worker.status === "online" ? worker.current_trials.length : 0), 0);
}

const QUEUE_LABELS: Record<string, string> = {
  cpu: "Any computer (CPU)",
  priority: "Priority jobs",
  gpu: "Graphics card (4 GB+)",
  llm: "Language model server (Ollama)",
};

/** A queue name in words: "gpu.vram12" -> "Graphics card (12 GB+)". */
export function queueLabel(name: string): string {
  const tier = /^gpu\.vram(\d+)$/.exec(name);
  if (tier) return `Graphics card (${tier[1]} GB+)`;
  return QUEUE_LABELS[name] ?? name;
}

/** Tokens still accepted first (newest first), revoked ones after. */
export function sortTokens(tokens: JoinToken[]): JoinToken[] {
  return [...tokens].sort(
    (a, b) => Number(a.revoked_at !== null) - Number(b.revoked_at !== null) || b.created_at.localeCompare(a.created_at),
  );
}

/** Milliseconds as "45 ms" or "1.2 s"; null (no sample yet) as a dash. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
