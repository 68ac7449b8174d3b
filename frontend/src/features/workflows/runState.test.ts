import { describe, expect, it } from "vitest";
import { newerRun, type NodeRunState, type RunDetail } from "../../api/hooks/workflowRuns";
import { applyRunEvent, isRunActive, lightOf, parseRunEvent, runProgress, type RunEvent } from "./runState";

const run = (over: Partial<RunDetail> = {}): RunDetail => ({
  id: "r1",
  workflow_id: "w1",
  workflow_version: 3,
  job_id: "j1",
  status: "queued",
  error: null,
  created_at: "2025-01-01T00:00:00Z",
  started_at: null,
  finished_at: null,
  graph: {
    version: 1,
    nodes: [
      { id: "data", type: "dataset", position: { x: 0, y: 0 }, data: {} },
      { id: "model", type: "model", position: { x: 0, y: 0 }, data: {} },
    ],
    edges: [],
  },
  nodes: {},
  ...over,
});

/** An event as the socket sends it; the envelope fields the reducer does not read are filled in. */
const event = (type: RunEvent["type"], data: Record<string, unknown>): RunEvent => ({ id: null, job_id: "j1", timestamp: "t", type, data }) as RunEvent;

const state = (over: Partial<NodeRunState>): NodeRunState => ({
  status: "done",
  started_at: "a",
  finished_at: "b",
  cached: false,
  error: null,
  outputs: {},
  progress: null,
  job_id: null,
  ...over,
});

describe("parseRunEvent", () => {
  it("reads node and run events and refuses everything else", () => {
    const started = parseRunEvent(JSON.stringify({ id: 4, type: "node_started", data: { node_id: "data", started_at: "t" } }));
    expect(started?.type).toBe("node_started");
    expect(started?.id).toBe(4);
    expect(parseRunEvent(JSON.stringify({ type: "heartbeat", data: {} }))).toBeNull();
    expect(parseRunEvent("not json")).toBeNull();
    expect(parseRunEvent(JSON.stringify({ type: "node_started", data: {} }))).toBeNull();
    expect(parseRunEvent(JSON.stringify({ type: "node_completed", data: { node_id: "x" } }))).toBeNull();
    expect(parseRunEvent(JSON.stringify({ type: "workflow_finished", data: {} }))).toBeNull();
  });
});

describe("applyRunEvent", () => {
  it("walks a node from queued through running to done, and the run to running", () => {
    let current = run();
    expect(lightOf(current, "data")).toBe("queued");
    current = applyRunEvent(current, event("node_started", { node_id: "data", started_at: "t0" }));
    expect(current.status).toBe("running");
    expect(lightOf(current, "data")).toBe("running");
    current = applyRunEvent(current, event("node_progress", { node_id: "data", progress: 40, job_id: "child" }));
    expect(current.nodes.data?.progress).toBe(40);
    expect(current.nodes.data?.job_id).toBe("child");
    const done = state({ status: "cached", cached: true, outputs: { rows: 10 } });
    current = applyRunEvent(current, event("node_completed", { node_id: "data", state: done }));
    expect(lightOf(current, "data")).toBe("cached");
    expect(current.nodes.data?.outputs).toEqual({ rows: 10 });
    expect(runProgress(current)).toEqual({ ended: 1, total: 2 });
  });

  it("does not bring an ended node back to running when a late or replayed event arrives", () => {
    const ended = run({ status: "running", nodes: { data: state({ status: "failed", error: "boom" }) } });
    const late = event("node_progress", { node_id: "data", progress: 90 });
    expect(applyRunEvent(ended, late)).toBe(ended);
    expect(applyRunEvent(ended, event("node_started", { node_id: "data", started_at: "t" }))).toBe(ended);
  });

  it("is idempotent for a replayed completion", () => {
    const failed = event("node_failed", { node_id: "model", state: state({ status: "skipped" }) });
    const once = applyRunEvent(run({ status: "running" }), failed);
    expect(applyRunEvent(once, failed)).toEqual(once);
    expect(lightOf(once, "model")).toBe("skipped");
  });

  it("takes the final summary from workflow_finished; nodes it never reached are idle once it ended", () => {
    const finished = applyRunEvent(run({ status: "running" }), event("workflow_finished", { run: { ...run(), status: "cancelled", finished_at: "t9" } }));
    expect(finished.status).toBe("cancelled");
    expect(isRunActive(finished)).toBe(false);
    expect(lightOf(finished, "model")).toBe("idle");
    expect(lightOf(undefined, "model")).toBe("idle");
    expect(lightOf(run({ nodes: { data: state({ status: "done", cached: true }) } }), "data")).toBe("cached");
  });
});

describe("states the server leaves fields out of", () => {
  it("fills in a completed state's defaults", () => {
    const sparse = event("node_completed", { node_id: "data", state: { status: "done" } });
    const after = applyRunEvent(run({ status: "running" }), sparse);
    expect(after.nodes.data).toEqual({ status: "done", started_at: null, finished_at: null, cached: false, error: null, outputs: {}, progress: null, job_id: null });
  });
});

describe("newerRun", () => {
  it("keeps a node the events finished when a fetch that left earlier still says running", () => {
    const cached = run({ status: "running", nodes: { data: state({ status: "done" }), model: state({ status: "running" }) } });
    const stale = run({ status: "running", nodes: { data: state({ status: "running" }), model: state({ status: "queued" }) } });
    const merged = newerRun(cached, stale);
    expect(merged.nodes.data?.status).toBe("done");
    expect(merged.nodes.model?.status).toBe("running");
  });

  it("takes the fetched copy where it is as far along or further, and the run's end from either", () => {
    const cached = run({ status: "running", nodes: { data: state({ status: "running" }) } });
    const fresh = run({ status: "completed", finished_at: "z", nodes: { data: state({ status: "cached", cached: true, outputs: { rows: 3 } }) } });
    expect(newerRun(cached, fresh)).toEqual(fresh);
    const ended = run({ status: "cancelled", nodes: { data: state({ status: "cancelled" }) } });
    expect(newerRun(ended, run({ status: "running", nodes: {} })).status).toBe("cancelled");
    expect(newerRun(run({ id: "other" }), fresh)).toBe(fresh);
  });
});
