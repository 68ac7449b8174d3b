// Worker capabilities arrive as free-form JSON (`capabilities: {[key]: unknown}`): remote workers send the probe's
// full report (backend/flowml/cluster/probe.py), the master's own pool only CPUs, RAM and its process count.
// These functions read what is there and never trust a field's type.

export interface Gpu {
  name: string;
  vramGb: number | null;
}

export interface Hardware {
  cpuPhysical: number | null;
  cpuLogical: number | null;
  ramTotalGb: number | null;
  gpus: Gpu[];
  os: string | null;
  python: string | null;
  cudaVersion: string | null;
  /** Libraries whose GPU build works on this machine (XGBoost, LightGBM, CatBoost). */
  gpuBuilds: string[];
  libraries: [string, string][];
  localIp: string | null;
  tailscaleIp: string | null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function readHardware(capabilities: Record<string, unknown>): Hardware {
  const gpus = Array.isArray(capabilities.gpus)
    ? capabilities.gpus.map((gpu) => {
        const item = record(gpu);
        return { name: text(item.name) ?? "GPU", vramGb: num(item.vram_total_gb) };
      })
    : [];
  const builds = Object.entries(record(capabilities.gpu_builds))
    .filter(([, ok]) => ok === true)
    .map(([name]) => name);
  const libraries = Object.entries(record(capabilities.libraries)).flatMap(([name, version]): [string, string][] =>
    typeof version === "string" ? [[name, version]] : [],
  );
  return {
    cpuPhysical: num(capabilities.cpu_physical),
    cpuLogical: num(capabilities.cpu_logical),
    ramTotalGb: num(capabilities.ram_total_gb),
    gpus,
    os: text(capabilities.os),
    python: text(capabilities.python),
    cudaVersion: text(capabilities.cuda_version),
    gpuBuilds: builds,
    libraries,
    localIp: text(capabilities.local_ip),
    tailscaleIp: text(capabilities.tailscale_ip),
  };
}

function gb(value: number): string {
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} GB`;
}

/** "8 cores (16 threads)", "16 threads", or null when the worker did not say. */
export function formatCpu(hw: Pick<Hardware, "cpuPhysical" | "cpuLogical">): string | null {
  const { cpuPhysical: physical, cpuLogical: logical } = hw;
  if (physical && logical && logical !== physical) return `${physical} cores (${logical} threads)`;
  if (physical) return `${physical} ${physical === 1 ? "core" : "cores"}`;
  if (logical) return `${logical} ${logical === 1 ? "thread" : "threads"}`;
  return null;
}

/** "31 GB RAM, 12 GB free" (free memory comes from the latest heartbeat). */
export function formatRam(totalGb: number | null, availableGb: number | null = null): string | null {
  if (totalGb === null || totalGb <= 0) return null;
  return availableGb === null ? `${gb(totalGb)} RAM` : `${gb(totalGb)} RAM, ${gb(availableGb)} free`;
}

/** "RTX 4090 (24 GB)"; identical cards are counted: "2 × A100 (80 GB)". */
export function formatGpus(gpus: Gpu[]): string[] {
  const counts = new Map<string, number>();
  for (const gpu of gpus) {
    const label = gpu.vramGb === null ? gpu.name : `${gpu.name} (${gb(gpu.vramGb)})`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => (count > 1 ? `${count} × ${label}` : label));
}

/** Seconds since the last heartbeat, in words: "4 s ago", "3 min ago", "2 h ago", "5 days ago". */
export function formatHeartbeatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 1) return "just now";
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
