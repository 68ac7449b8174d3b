// Server-side workflow runs (POST /run, the runs list, a run's per-node states, cancel), through the typed client.
// The generated schema leaves a node state's fields optional (server defaults) and the run's graph free-form: the
// answers are normalised here into the shapes the canvas reads, with every field present.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, ApiError, errorMessage, networkError, unwrap } from "../client";
import type { components } from "../schema";
import type { Id } from "../types";
import type { LocatedError, WorkflowGraph } from "./workflows";

type Schemas = components["schemas"];

export type RunStatus = Schemas["RunSummary"]["status"];
export type NodeStatus = Schemas["NodeState"]["status"];

export interface RunSummary {
  id: string;
  workflow_id: string;
  workflow_version: number;
  job_id: string;
  status: RunStatus;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface NodeRunState {
  status: NodeStatus;
  started_at: string | null;
  finished_at: string | null;
  cached: boolean;
  error: string | null;
  /** The node's JSON summary (rows and columns, the evaluation table, chart data); its shape depends on the type. */
  outputs: Record<string, unknown>;
  progress: number | null;
  /** A search model node's child training job: its trials are the node's leaderboard. */
  job_id: string | null;
}

export interface RunDetail extends RunSummary {
  graph: WorkflowGraph;
  nodes: Record<string, NodeRunState>;
}

export type RunStarted = Schemas["RunStarted"];

export interface RunsPage {
  items: RunSummary[];
  count: number;
}

/** A run the server refused because the saved graph is not valid (422): the located errors, as /validate gives. */
export class RunRefused extends ApiError {
  readonly errors: LocatedError[];

  constructor(message: string, errors: LocatedError[]) {
    super(422, message);
    this.name = "RunRefused";
    this.errors = errors;
  }
}

/** A node state with the server's defaults filled in (also used on the states that node events carry). */
export function toNodeState(state: Schemas["NodeState"]): NodeRunState {
  return {
    status: state.status,
    started_at: state.started_at ?? null,
    finished_at: state.finished_at ?? null,
    cached: state.cached ?? false,
    error: state.error ?? null,
    outputs: state.outputs ?? {},
    progress: state.progress ?? null,
    job_id: state.job_id ?? null,
  };
}

export function toSummary(run: Schemas["RunSummary"]): RunSummary {
  return {
    id: run.id,
    workflow_id: run.workflow_id,
    workflow_version: run.workflow_version,
    job_id: run.job_id,
    status: run.status,
    error: run.error ?? null,
    created_at: run.created_at,
    started_at: run.started_at ?? null,
    finished_at: run.finished_at ?? null,
  };
}

function toDetail(run: Schemas["RunDetail"]): RunDetail {
  const nodes = Object.fromEntries(Object.entries(run.nodes).map(([id, state]) => [id, toNodeState(state)]));
  // The graph the server ran, stored as the canvas saved it.
  return { ...toSummary(run), graph: run.graph as WorkflowGraph, nodes };
}

const path = (workflowId: Id) => ({ params: { path: { workflow_id: workflowId } } });
const runPath = (workflowId: Id, runId: Id) => ({ params: { path: { workflow_id: workflowId, run_id: runId } } });

async function start(workflowId: Id, baseVersion: number | null): Promise<RunStarted> {
  let outcome;
  try {
    outcome = await api.POST("/api/workflows/{workflow_id}/run", { ...path(workflowId), body: { base_version: baseVersion } });
  } catch (cause) {
    networkError(cause);
  }
  const { data, error, response } = outcome;
  if (response.ok && data) return data;
  // A graph that cannot run answers 422 with the located errors beside `detail` (not FastAPI's own 422 shape).
  const errors = (error as { errors?: unknown } | undefined)?.errors;
  const message = errorMessage(response.status, error, response.statusText);
  if (response.status === 422 && Array.isArray(errors)) throw new RunRefused(message, errors as LocatedError[]);
  throw new ApiError(response.status, message);
}

export const runsApi = {
  start,
  list: async (workflowId: Id): Promise<RunsPage> => {
    const page = await unwrap(api.GET("/api/workflows/{workflow_id}/runs", path(workflowId)));
    return { items: page.items.map(toSummary), count: page.count };
  },
  get: async (workflowId: Id, runId: Id): Promise<RunDetail> =>
    toDetail(await unwrap(api.GET("/api/workflows/{workflow_id}/runs/{run_id}", runPath(workflowId, runId)))),
  cancel: async (workflowId: Id, runId: Id): Promise<RunDetail> =>
    toDetail(await unwrap(api.POST("/api/workflows/{workflow_id}/runs/{run_id}/cancel", runPath(workflowId, runId)))),
};

// Beside the hooks, like workflowKeys: only the canvas reads and patches them.
export const runKeys = {
  all: (workflowId: Id) => ["workflows", "runs", workflowId] as const,
  list: (workflowId: Id) => [...runKeys.all(workflowId), "list"] as const,
  detail: (workflowId: Id, runId: Id) => [...runKeys.all(workflowId), "detail", runId] as const,
};

export function useRuns(workflowId: Id) {
  return useQuery({ queryKey: runKeys.list(workflowId), queryFn: () => runsApi.list(workflowId) });
}

const NODE_STAGE: Record<NodeStatus, number> = { queued: 0, running: 1, done: 2, cached: 2, failed: 2, skipped: 2, cancelled: 2 };
const RUN_STAGE: Record<RunStatus, number> = { queued: 0, running: 1, completed: 2, failed: 2, cancelled: 2 };

/**
 * A fetched copy of a run laid over the cached one. Within a run a node only moves forward (queued, running, then
 * an end), so a node the cached copy has further along keeps its cached state: a response that left the server
 * before the events just applied would otherwise put a finished node back to "running" until the run ends.
 */
export function newerRun(cached: RunDetail, fetched: RunDetail): RunDetail {
  if (cached.id !== fetched.id) return fetched;
  const nodes = { ...fetched.nodes };
  for (const [nodeId, state] of Object.entries(cached.nodes)) {
    const other = fetched.nodes[nodeId];
    if (!other || NODE_STAGE[state.status] > NODE_STAGE[other.status]) nodes[nodeId] = state;
  }
  const ahead = RUN_STAGE[cached.status] > RUN_STAGE[fetched.status];
  return ahead ? { ...fetched, ...toSummary(cached), graph: fetched.graph, nodes } : { ...fetched, nodes };
}

/** One run's per-node states; the editor patches the cached copy from the run's events as they arrive. */
export function useRun(workflowId: Id, runId: Id | null) {
  const client = useQueryClient();
  const key = runKeys.detail(workflowId, runId ?? "");
  return useQuery({
    queryKey: key,
    queryFn: async () => {
      const fetched = await runsApi.get(workflowId, runId ?? "");
      const cached = client.getQueryData<RunDetail>(key);
      return cached ? newerRun(cached, fetched) : fetched;
    },
    enabled: Boolean(runId),
  });
}

export function useStartRun(workflowId: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (baseVersion: number | null) => runsApi.start(workflowId, baseVersion),
    onSuccess: () => void client.invalidateQueries({ queryKey: runKeys.list(workflowId) }),
    // The editor shows a refusal on the nodes and in its status line, not as a toast.
    meta: { silent: true },
  });
}

export function useCancelRun(workflowId: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (runId: Id) => runsApi.cancel(workflowId, runId),
    onSuccess: (run) => {
      client.setQueryData(runKeys.detail(workflowId, run.id), run);
      void client.invalidateQueries({ queryKey: runKeys.list(workflowId) });
    },
  });
}
