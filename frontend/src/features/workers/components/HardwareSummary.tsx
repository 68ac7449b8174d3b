import { Cpu, Gpu, MemoryStick } from "lucide-react";
import { formatCpu, formatGpus, formatRam, readHardware } from "../../../lib/hardware";
import type { Worker } from "../../../api/hooks/workers";

/** CPUs, memory and graphics cards of one worker, one line each. */
export function HardwareSummary({ worker }: { worker: Worker }) {
  const hw = readHardware(worker.capabilities);
  const cpu = formatCpu(hw);
  const ram = formatRam(hw.ramTotalGb, worker.ram_available_gb);
  const gpus = formatGpus(hw.gpus);
  const details = [hw.os, hw.python && `Python ${hw.python}`, hw.cudaVersion && `CUDA ${hw.cudaVersion}`]
    .filter(Boolean)
    .join(" · ");
  return (
    <ul className="space-y-0.5 text-xs" title={details || undefined}>
      <li className="flex items-center gap-1.5">
        <Cpu className="size-3.5 shrink-0 text-muted" aria-hidden />
        {cpu ?? <span className="text-muted">CPU unknown</span>}
      </li>
      {ram && (
        <li className="flex items-center gap-1.5">
          <MemoryStick className="size-3.5 shrink-0 text-muted" aria-hidden />
          {ram}
        </li>
      )}
      {gpus.length > 0 ? (
        gpus.map((gpu) => (
          <li key={gpu} className="flex items-center gap-1.5">
            <Gpu className="size-3.5 shrink-0 text-accent" aria-hidden />
            {gpu}
          </li>
        ))
      ) : (
        <li className="flex items-center gap-1.5 text-muted">
          <Gpu className="size-3.5 shrink-0" aria-hidden />
          No graphics card
        </li>
      )}
      {hw.gpus.length > 0 && hw.gpuBuilds.length > 0 && (
        <li className="text-muted">GPU training: {hw.gpuBuilds.join(", ")}</li>
      )}
    </ul>
  );
}
