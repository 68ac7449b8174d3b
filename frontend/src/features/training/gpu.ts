import type { Worker } from "../../api/hooks/workers";
import { readHardware } from "../../lib/hardware";

/** Whether any online worker (the master's own pool included) reported a graphics card: only then do the GPU
 * badges on the algorithm list mean anything. Unknown (the list has not loaded, or failed) counts as no. */
export function clusterHasGpu(workers: readonly Worker[] | undefined): boolean {
  return (workers ?? []).some((worker) => worker.status === "online" && readHardware(worker.capabilities).gpus.length > 0);
}
