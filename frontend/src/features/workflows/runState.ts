// The run's per-node states as the canvas shows them, and the pure reducer that applies one event of the run's job
// socket to the cached RunDetail. No React and no QueryClient here, so every rule is unit tested on its own.
import type { components } from "../../api/schema";
import { toNodeState, toSummary, type NodeRunState, type NodeStatus, type RunDetail, type RunStatus, type RunSummary } from "../../api/hooks/workflowRuns";

/** What a node's status light says: a node status, or `idle` when no run has touched it. */
export type LightStatus = NodeStatus | "idle";

export const LIGHT_LABELS: Record<LightStatus, string> = {
  idle: "idle",
  queued: "queued",
  running: "running",
  done: "done",
  cached: "cached",
  failed: "failed",
  skipped: "skipped",
  cancelled: "cancelled",
};

/** The light's colour (Tailwind classes of the app's palette); the word beside it carries the meaning too. */
export const LIGHT_TONES: Record<LightStatus, string> = {
  idle: "bg-muted",
  queued: "bg-muted ring-1 ring-fg/40",
  running: "bg-accent animate-pulse",
  done: "bg-ok",
  cached: "bg-ok/60 ring-1 ring-ok",
  failed: "bg-danger",
  // Not failures of their own: a failed upstream node or the user's cancel stopped them.
  skipped: "bg-line-strong",
  cancelled: "bg-line-strong",
};

const ACTIVE: ReadonlySet<RunStatus> = new Set(["queued", "running"]);

export const isRunActive = (run: Pick<RunSummary, "status"> | undefined | null): boolean => Boolean(run && ACTIVE.has(run.status));

/** The light of `nodeId` in `run`: its state, `queued` for a node an active run has not reached, else `idle`. */
export function lightOf(run: RunDetail | undefined | null, nodeId: string): LightStatus {
  const state = run?.nodes[nodeId];
  // A node loaded from the cache may be reported as done with `cached` set: it still shows as cached.
  if (state) return state.cached && state.status === "done" ? "cached" : state.status;
  return isRunActive(run) ? "queued" : "idle";
}

type ServerMessage = components["schemas"]["ServerMessage"];

/** The events of a run's job socket the canvas acts on (generated from the server's event schemas). */
export type RunEvent = Extract<
  ServerMessage,
  { type: "node_started" | "node_progress" | "node_completed" | "node_failed" | "training_started" | "workflow_finished" }
>;

const RUN_EVENT_TYPES: ReadonlySet<string> = new Set([
  "node_started",
  "node_progress",
  "node_completed",
  "node_failed",
  "training_started",
  "workflow_finished",
]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** One socket message as a run event; anything else (a heartbeat, a training event of another kind, garbage) is null. */
export function parseRunEvent(raw: string): RunEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.type !== "string" || !RUN_EVENT_TYPES.has(value.type) || !isObject(value.data)) return null;
  const data = value.data;
  if (value.type.startsWith("node_") && typeof data.node_id !== "string") return null;
  if ((value.type === "node_completed" || value.type === "node_failed") && !isObject(data.state)) return null;
  if (value.type === "workflow_finished" && !isObject(data.run)) return null;
  return value as unknown as RunEvent;
}

export const isFinishEvent = (event: RunEvent): boolean => event.type === "workflow_finished";

const blank = (): NodeRunState => ({
  status: "queued",
  started_at: null,
  finished_at: null,
  cached: false,
  error: null,
  outputs: {},
  progress: null,
  job_id: null,
});

const withNode = (run: RunDetail, nodeId: string, state: NodeRunState): RunDetail => ({
  ...run,
  // The first node event proves the run has started, whatever the cached copy still says.
  status: run.status === "queued" ? "running" : run.status,
  nodes: { ...run.nodes, [nodeId]: state },
});

/**
 * The run after `event`. Events replayed after a reconnect (`?since=`) give the same result again, and an event for
 * a node that has already ended (a late progress) does not bring it back to running.
 */
export function applyRunEvent(run: RunDetail, event: RunEvent): RunDetail {
  switch (event.type) {
    case "training_started":
      return run.status === "queued" ? { ...run, status: "running" } : run;
    case "node_started": {
      const previous = run.nodes[event.data.node_id] ?? blank();
      if (isEnded(previous.status)) return run;
      return withNode(run, event.data.node_id, { ...previous, status: "running", started_at: event.data.started_at });
    }
    case "node_progress": {
      const { node_id: nodeId, progress, job_id: jobId } = event.data;
      const previous = run.nodes[nodeId] ?? blank();
      if (isEnded(previous.status)) return run;
      return withNode(run, nodeId, { ...previous, status: "running", progress, job_id: jobId || previous.job_id });
    }
    case "node_completed":
    case "node_failed":
      // The event carries the state as the server serialises it: fill in what it may leave out.
      return withNode(run, event.data.node_id, toNodeState(event.data.state));
    case "workflow_finished":
      return { ...run, ...toSummary(event.data.run) };
  }
}

const ENDED: ReadonlySet<NodeStatus> = new Set(["done", "cached", "failed", "skipped", "cancelled"]);

export const isEnded = (status: NodeStatus): boolean => ENDED.has(status);

/** "3 of 7 nodes done": how far the run has come, for the toolbar's status line. */
export function runProgress(run: RunDetail): { ended: number; total: number } {
  const ids = run.graph.nodes?.map((node) => node.id) ?? Object.keys(run.nodes);
  const ended = ids.filter((id) => {
    const state = run.nodes[id];
    return state !== undefined && isEnded(state.status);
  }).length;
  return { ended, total: ids.length };
}
