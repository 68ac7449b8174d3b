import { describe, expect, it } from "vitest";
import { brokenPlugins, pluginPackages, workerPlugins, workerStanding } from "./plugins";
import type { PluginsInfo } from "../../api/hooks/plugins";
import type { Worker } from "../../api/hooks/workers";

function worker(name: string, kind: Worker["kind"], plugins?: unknown): Worker {
  return {
    id: name,
    name,
    hostname: name,
    kind,
    status: "online",
    capabilities: plugins === undefined ? {} : { plugins },
    queues: ["cpu"],
    concurrency: 2,
    version: "0.1.0",
    registered_at: "2025-01-01T00:00:00Z",
    last_heartbeat: "2025-01-01T00:00:00Z",
    heartbeat_age_seconds: 3,
    ram_available_gb: null,
    current_trials: [],
  };
}

const fromExample = { package: "flowml-plugin-example", version: "0.1.0", target: "m:C" } as const;

const info: PluginsInfo = {
  loaded: [
    { ...fromExample, entry_point: "quantile_clip", kind: "preprocessor", provides: "quantile_clip" },
    { ...fromExample, entry_point: "random_features", kind: "algorithm", provides: "random_features" },
    { package: "another", version: "2.0", target: "a:B", entry_point: "b", kind: "algorithm", provides: "b" },
  ],
  broken: [
    { package: "zeta", version: "1", target: "z:Z", entry_point: "z", kind: "algorithm", error: "ImportError: z" },
    { package: "alpha", version: "1", target: "a:A", entry_point: "a", kind: "algorithm", error: "boom" },
  ],
  preprocessors: [],
};

describe("pluginPackages", () => {
  it("groups entry points by distribution and says which workers have the server's version", () => {
    const workers = [
      worker("local", "local"),
      worker("w1", "remote", { "flowml-plugin-example": "0.1.0" }),
      worker("w2", "remote", { "flowml-plugin-example": "0.0.9" }),
      worker("w3", "remote"),
    ];
    const packages = pluginPackages(info, workers);
    expect(packages.map((p) => p.package)).toEqual(["another", "flowml-plugin-example"]);
    const example = packages[1]!;
    expect(example).toEqual({
      package: "flowml-plugin-example",
      version: "0.1.0",
      algorithms: ["random_features"],
      preprocessors: ["quantile_clip"],
      workers: [
        { worker: "w1", version: "0.1.0", matches: true },
        { worker: "w2", version: "0.0.9", matches: false },
        { worker: "w3", version: null, matches: false },
      ],
    });
    const [, older, none] = example.workers;
    expect(workerStanding(older!, example.version)).toContain("gets none of its trials");
    expect(workerStanding(none!, example.version)).toBe("w3: not installed");
  });
});

describe("workerPlugins", () => {
  it("reads what a worker reported and ignores anything else", () => {
    expect(workerPlugins(worker("w", "remote", { a: "1", b: 2 }))).toEqual({ a: "1", b: null });
    expect(workerPlugins(worker("w", "remote", "nonsense"))).toEqual({});
    expect(workerPlugins(worker("w", "remote"))).toEqual({});
  });
});

describe("brokenPlugins", () => {
  it("lists the broken ones by distribution", () => {
    expect(brokenPlugins(info).map((b) => b.package)).toEqual(["alpha", "zeta"]);
  });
});
