import { ErrorBanner } from "../../../components/States";
import { Badge } from "../../../components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { type PluginsInfo, usePlugins } from "../../../api/hooks/plugins";
import { type Worker, useWorkers } from "../../../api/hooks/workers";
import { brokenPlugins, pluginPackages, workerStanding } from "../plugins";

/** Algorithms and preprocessors added by installed packages (GET /api/plugins), which workers can run them, and the
 * ones the server left out with why. */
export function PluginsPanel() {
  const plugins = usePlugins();
  const workers = useWorkers();
  return (
    <Card>
      <CardHeader>
        <CardTitle>Plugins</CardTitle>
        <CardDescription>
          Algorithms and preprocessing steps from installed packages. A plugin’s trials run only on machines with
          the same version as this server.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {plugins.isError ? (
          <ErrorBanner message={plugins.error.message} />
        ) : !plugins.data ? (
          <Skeleton className="h-16" />
        ) : (
          <PluginList info={plugins.data} workers={workers.data ?? []} />
        )}
      </CardContent>
    </Card>
  );
}

function PluginList({ info, workers }: { info: PluginsInfo; workers: Worker[] }) {
  const packages = pluginPackages(info, workers);
  const broken = brokenPlugins(info);
  if (packages.length === 0 && broken.length === 0) {
    return <p className="text-sm text-muted">No plugins installed. See docs/plugins.md to add algorithms of your own.</p>;
  }
  return (
    <div className="space-y-4">
      <ul className="space-y-3" aria-label="Loaded plugins">
        {packages.map((entry) => (
          <li key={entry.package} className="space-y-1">
            <p className="text-sm font-medium">
              {entry.package} <span className="font-mono text-xs text-muted">{entry.version ?? "unknown version"}</span>
            </p>
            <div className="flex flex-wrap gap-1">
              {entry.algorithms.map((name) => (
                <Badge key={name} variant="secondary">
                  algorithm: {name}
                </Badge>
              ))}
              {entry.preprocessors.map((name) => (
                <Badge key={name} variant="outline">
                  preprocessor: {name}
                </Badge>
              ))}
            </div>
            {entry.workers.length > 0 && (
              <ul className="text-xs text-muted" aria-label={`Machines with ${entry.package}`}>
                {entry.workers.map((on) => (
                  <li key={on.worker} className={on.matches ? "text-ok" : undefined}>
                    {workerStanding(on, entry.version)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {broken.length > 0 && (
        <div className="space-y-2">
          <p className="text-sm font-medium text-danger">Left out ({broken.length})</p>
          <ul className="space-y-1 text-xs" aria-label="Broken plugins">
            {broken.map((plugin) => (
              <li key={`${plugin.package}:${plugin.entry_point}`}>
                <span className="font-mono">
                  {plugin.package ?? "?"} {plugin.version ?? ""} · {plugin.entry_point}
                </span>
                <span className="text-muted"> — {plugin.error}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
