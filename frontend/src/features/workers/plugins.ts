// The Plugins section of the Workers page: GET /api/plugins grouped by distribution, with the version each worker
// reported in its probe (capabilities.plugins). A plugin's trials only go to workers with the server's version.
import type { BrokenPlugin, PluginsInfo } from "../../api/hooks/plugins";
import type { Worker } from "../../api/hooks/workers";

/** Where one worker stands with a plugin distribution the server loaded. */
export interface PluginOnWorker {
  worker: string;
  /** The version the worker loaded; null when it has none of this distribution's plugins. */
  version: string | null;
  /** Same version as the server: the plugin's trials may run there. */
  matches: boolean;
}

export interface PluginPackage {
  package: string;
  version: string | null;
  algorithms: string[];
  preprocessors: string[];
  workers: PluginOnWorker[];
}

/** The distribution -> version map a worker reported, or {} when it reported none (older workers, the local pool). */
export function workerPlugins(worker: Worker): Record<string, string | null> {
  const reported = (worker.capabilities as Record<string, unknown> | undefined)?.plugins;
  if (!reported || typeof reported !== "object") return {};
  const plugins: Record<string, string | null> = {};
  for (const [name, version] of Object.entries(reported)) {
    plugins[name] = typeof version === "string" ? version : null;
  }
  return plugins;
}

/** One row per loaded distribution, by name, with what it provides and each remote worker's version of it. */
export function pluginPackages(info: PluginsInfo, workers: Worker[]): PluginPackage[] {
  const byPackage = new Map<string, PluginPackage>();
  for (const plugin of info.loaded) {
    const name = plugin.package ?? plugin.entry_point;
    const entry = byPackage.get(name) ?? {
      package: name,
      version: plugin.version,
      algorithms: [],
      preprocessors: [],
      workers: [],
    };
    (plugin.kind === "algorithm" ? entry.algorithms : entry.preprocessors).push(plugin.provides);
    byPackage.set(name, entry);
  }
  const remote = workers.filter((worker) => worker.kind !== "local");
  for (const entry of byPackage.values()) {
    entry.workers = remote.map((worker) => {
      const version = workerPlugins(worker)[entry.package] ?? null;
      return { worker: worker.name, version, matches: version !== null && version === entry.version };
    });
  }
  return [...byPackage.values()].sort((a, b) => a.package.localeCompare(b.package));
}

/** A worker's standing with a plugin, in words. */
export function workerStanding(on: PluginOnWorker, serverVersion: string | null): string {
  if (on.version === null) return `${on.worker}: not installed`;
  if (on.matches) return `${on.worker}: ${on.version}`;
  return `${on.worker}: ${on.version} (the server has ${serverVersion ?? "another version"}: gets none of its trials)`;
}

/** Broken entry points, by distribution then name: each is one line to fix. */
export function brokenPlugins(info: PluginsInfo): BrokenPlugin[] {
  return [...info.broken].sort(
    (a, b) => (a.package ?? "").localeCompare(b.package ?? "") || a.entry_point.localeCompare(b.entry_point),
  );
}
