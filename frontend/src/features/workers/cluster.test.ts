import { describe, expect, it } from "vitest";
import { formatLatency, queueLabel, remoteWorkers, runningTrialCount, serviceHealth, sortTokens, sortWorkers } from "./cluster";
import { type JoinToken, type Worker } from "../../api/hooks/workers";

function worker(name: string, kind: Worker["kind"], status: Worker["status"], trials = 0): Worker {
  return {
    id: name,
    name,
    hostname: name,
    kind,
    status,
    capabilities: {},
    queues: ["cpu"],
    concurrency: 2,
    version: "0.1.0",
    registered_at: "2025-01-01T00:00:00Z",
    last_heartbeat: "2025-01-01T00:00:00Z",
    heartbeat_age_seconds: 3,
    ram_available_gb: null,
    current_trials: Array.from({ length: trials }, (_, i) => ({
      id: `${name}-${i}`,
      job_id: "job",
      trial_number: i,
      algorithm: "xgboost",
      started_at: "2025-01-01T00:00:00Z",
    })),
  };
}

function token(id: string, created: string, revoked: string | null = null): JoinToken {
  return { id, name: id, created_at: created, last_used_at: null, revoked_at: revoked };
}

describe("serviceHealth", () => {
  it("turns the server's status strings into words", () => {
    expect(serviceHealth("ok")).toEqual({ tone: "ok", label: "Working", detail: null });
    expect(serviceHealth("not configured").tone).toBe("muted");
    expect(serviceHealth("error: Connection refused")).toEqual({
      tone: "danger",
      label: "Not reachable",
      detail: "Connection refused",
    });
  });
});

describe("workers", () => {
  const list = [worker("zeta", "remote", "offline"), worker("beta", "remote", "online", 2), worker("local", "local", "online", 1)];

  it("puts the master's pool first, then online machines", () => {
    expect(sortWorkers(list).map((w) => w.name)).toEqual(["local", "beta", "zeta"]);
  });

  it("counts remote machines and running trials", () => {
    expect(remoteWorkers(list)).toHaveLength(2);
    expect(runningTrialCount(list)).toBe(3);
    expect(runningTrialCount([worker("gone", "remote", "offline", 4)])).toBe(0);
  });
});

describe("queueLabel", () => {
  it("names GPU tiers by their memory", () => {
    expect(queueLabel("gpu.vram12")).toBe("Graphics card (12 GB+)");
    expect(queueLabel("gpu")).toBe("Graphics card (4 GB+)");
    expect(queueLabel("cpu")).toBe("Any computer (CPU)");
    expect(queueLabel("something-new")).toBe("something-new");
  });
});

describe("sortTokens", () => {
  it("lists active tokens newest first, revoked ones last", () => {
    const sorted = sortTokens([
      token("old", "2025-01-01T00:00:00Z"),
      token("revoked", "2025-03-01T00:00:00Z", "2025-03-02T00:00:00Z"),
      token("new", "2025-02-01T00:00:00Z"),
    ]);
    expect(sorted.map((t) => t.id)).toEqual(["new", "old", "revoked"]);
  });
});

describe("formatLatency", () => {
  it("uses ms below a second", () => {
    expect(formatLatency(42.4)).toBe("42 ms");
    expect(formatLatency(1530)).toBe("1.5 s");
    expect(formatLatency(null)).toBe("—");
  });
});
