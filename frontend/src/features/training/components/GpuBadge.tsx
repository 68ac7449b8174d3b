import { Zap } from "lucide-react";

export const GPU_NOTE_ID = "gpu-badge-note";
export const GPU_EXPLAIN =
  "Can train on a graphics card (GPU): it runs on a GPU worker when one is online, otherwise on the CPU.";

/** Marks a GPU-capable algorithm. Not a Tab stop: what it means is written once under the list (GPU_NOTE_ID), and
 * screen readers reach it through aria-describedby on the algorithm's checkbox. */
export function GpuBadge() {
  return (
    <span
      title={GPU_EXPLAIN}
      className="inline-flex shrink-0 items-center gap-0.5 rounded-full border border-warn/60 bg-warn/10 px-1.5 py-0.5 text-xs font-semibold text-warn"
    >
      <Zap className="size-3" aria-hidden />
      GPU
    </span>
  );
}
