import type { ReactNode } from "react";
import { Card, CardContent } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { ErrorBanner } from "../../../components/States";
import { cn } from "../../../lib/cn";
import { useCluster } from "../../../api/hooks/workers";
import { runningTrialCount, serviceHealth, type Tone } from "../cluster";
import { type ClusterInfo, type Worker } from "../../../api/hooks/workers";

const TONE_TEXT: Record<Tone, string> = { ok: "text-ok", warn: "text-warn", danger: "text-danger", muted: "text-muted" };

function Tile({ label, value, hint, tone }: { label: string; value: ReactNode; hint?: ReactNode; tone?: Tone }) {
  return (
    <Card>
      <CardContent className="space-y-1">
        <p className="text-xs font-medium text-muted">{label}</p>
        <p className={cn("text-base font-semibold", tone && TONE_TEXT[tone])}>{value}</p>
        {hint && <p className="text-xs wrap-anywhere text-muted">{hint}</p>}
      </CardContent>
    </Card>
  );
}

function ServiceTile({ label, status, hint }: { label: string; status: string; hint: string }) {
  const health = serviceHealth(status);
  return <Tile label={label} value={health.label} tone={health.tone} hint={health.detail ?? hint} />;
}

function Tiles({ cluster, workers }: { cluster: ClusterInfo; workers: Worker[] }) {
  const clusterMode = cluster.mode === "cluster";
  const online = cluster.workers.online ?? 0;
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
      <Tile
        label="Mode"
        value={clusterMode ? "Cluster" : "Single machine"}
        hint={
          clusterMode
            ? "Several machines share the work through a broker (Redis)."
            : "No broker is set, so everything trains on this server."
        }
      />
      <Tile
        label="Extra machines online"
        value={cluster.workers.online === null ? "—" : online}
        tone={online > 0 ? "ok" : "muted"}
        hint={`${cluster.workers.offline ?? 0} offline · this server runs ${cluster.local_pool.processes} at once`}
      />
      <Tile label="Models training now" value={runningTrialCount(workers)} hint="Trials across every machine" />
      <ServiceTile
        label="Broker"
        status={cluster.broker.status}
        hint={cluster.broker.url ?? "Only needed to add machines"}
      />
      <ServiceTile label="Database" status={cluster.database.status} hint={cluster.database.kind} />
    </div>
  );
}

export function ClusterOverview({ workers }: { workers: Worker[] }) {
  const cluster = useCluster();
  if (cluster.isError) return <ErrorBanner message={cluster.error.message} />;
  if (!cluster.data) {
    return (
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5" role="status" aria-label="Loading cluster status">
        {Array.from({ length: 5 }, (_, i) => (
          <Skeleton key={i} className="h-24" />
        ))}
      </div>
    );
  }
  return <Tiles cluster={cluster.data} workers={workers} />;
}
