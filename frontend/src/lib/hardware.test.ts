import { describe, expect, it } from "vitest";
import { formatCpu, formatGpus, formatHeartbeatAge, formatRam, readHardware } from "./hardware";

describe("readHardware", () => {
  it("reads a remote worker's full probe report", () => {
    const hw = readHardware({
      hostname: "gpu-box",
      os: "Linux-6.8.0-x86_64",
      cpu_physical: 8,
      cpu_logical: 16,
      ram_total_gb: 62.7,
      gpus: [{ index: 0, name: "NVIDIA GeForce RTX 4090", vram_total_gb: 23.99, vram_free_gb: 22 }],
      cuda_version: "12.4",
      libraries: { xgboost: "2.1.0", catboost: null },
      gpu_builds: { xgboost: true, lightgbm: false, catboost: true },
      tailscale_ip: null,
      local_ip: "192.168.1.20",
    });
    expect(hw.cpuPhysical).toBe(8);
    expect(hw.gpus).toEqual([{ name: "NVIDIA GeForce RTX 4090", vramGb: 23.99 }]);
    expect(hw.gpuBuilds).toEqual(["xgboost", "catboost"]);
    expect(hw.libraries).toEqual([["xgboost", "2.1.0"]]);
    expect(hw.localIp).toBe("192.168.1.20");
    expect(hw.tailscaleIp).toBeNull();
  });

  it("reads the master pool's short report and ignores fields of the wrong type", () => {
    const hw = readHardware({ cpu_logical: 4, cpu_physical: "four", ram_total_gb: 15.5, processes: 4, gpus: "none" });
    expect(hw).toMatchObject({ cpuLogical: 4, cpuPhysical: null, ramTotalGb: 15.5, gpus: [], os: null });
  });
});

describe("formatting", () => {
  it("describes CPUs by cores and threads", () => {
    expect(formatCpu({ cpuPhysical: 8, cpuLogical: 16 })).toBe("8 cores (16 threads)");
    expect(formatCpu({ cpuPhysical: 4, cpuLogical: 4 })).toBe("4 cores");
    expect(formatCpu({ cpuPhysical: null, cpuLogical: 1 })).toBe("1 thread");
    expect(formatCpu({ cpuPhysical: null, cpuLogical: null })).toBeNull();
  });

  it("rounds memory sizes", () => {
    expect(formatRam(62.7)).toBe("63 GB RAM");
    expect(formatRam(7.64, 2.05)).toBe("7.6 GB RAM, 2.1 GB free");
    expect(formatRam(0)).toBeNull();
  });

  it("groups identical GPUs", () => {
    expect(formatGpus([])).toEqual([]);
    expect(
      formatGpus([
        { name: "A100", vramGb: 80 },
        { name: "A100", vramGb: 80 },
        { name: "T4", vramGb: null },
      ]),
    ).toEqual(["2 × A100 (80 GB)", "T4"]);
  });

  it("says how long ago the last heartbeat was", () => {
    expect(formatHeartbeatAge(0.4)).toBe("just now");
    expect(formatHeartbeatAge(12.9)).toBe("12 s ago");
    expect(formatHeartbeatAge(185)).toBe("3 min ago");
    expect(formatHeartbeatAge(3 * 3600 + 5)).toBe("3 h ago");
    expect(formatHeartbeatAge(5 * 86400)).toBe("5 days ago");
    expect(formatHeartbeatAge(Number.NaN)).toBe("—");
    expect(formatHeartbeatAge(undefined)).toBe("—");
  });
});
