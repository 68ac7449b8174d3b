import { describe, expect, it } from "vitest";
import type { Worker } from "../../api/hooks/workers";
import { clusterHasGpu } from "./gpu";

function worker(status: "online" | "offline", capabilities: Record<string, unknown>): Worker {
  return { status, capabilities } as unknown as Worker;
}

describe("clusterHasGpu", () => {
  it("is false while the worker list is unknown or has no graphics card", () => {
    expect(clusterHasGpu(undefined)).toBe(false);
    expect(clusterHasGpu([])).toBe(false);
    expect(clusterHasGpu([worker("online", { cpu_logical: 8, gpus: [] })])).toBe(false);
    expect(clusterHasGpu([worker("online", { gpus: "none" })])).toBe(false);
  });

  it("is true only for a GPU on a worker that is online", () => {
    const gpus = [{ name: "RTX 4090", vram_total_gb: 24 }];
    expect(clusterHasGpu([worker("offline", { gpus })])).toBe(false);
    expect(clusterHasGpu([worker("online", {}), worker("online", { gpus })])).toBe(true);
  });
});
