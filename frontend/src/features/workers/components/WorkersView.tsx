import { ErrorBanner } from "../../../components/States";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { useCluster, useWorkers } from "../../../api/hooks/workers";
import { remoteWorkers } from "../cluster";
import { ClusterOverview } from "./ClusterOverview";
import { NoRemoteWorkers } from "./NoRemoteWorkers";
import { PluginsPanel } from "./PluginsPanel";
import { QueuePanel } from "./QueuePanel";
import { TokenList } from "./TokenList";
import { WorkerTable } from "./WorkerTable";

function Machines({ clusterMode, canManage }: { clusterMode: boolean | undefined; canManage: boolean }) {
  const workers = useWorkers();
  if (workers.isError) return <ErrorBanner message={workers.error.message} />;
  if (!workers.data) {
    return (
      <div className="space-y-2" role="status" aria-label="Loading workers">
        <Skeleton className="h-16" />
        <Skeleton className="h-16" />
      </div>
    );
  }
  return (
    <div className="space-y-4">
      {/* Machines that joined once but are offline now do not help either. */}
      {!remoteWorkers(workers.data).some((worker) => worker.status === "online") && (
        <NoRemoteWorkers clusterMode={clusterMode} canManage={canManage} />
      )}
      {workers.data.length > 0 && <WorkerTable workers={workers.data} />}
    </div>
  );
}

function Queues() {
  const cluster = useCluster();
  if (cluster.isError && !cluster.data) return <ErrorBanner message={cluster.error.message} />;
  if (!cluster.data) return <Skeleton className="h-40" />;
  return <QueuePanel cluster={cluster.data} />;
}

interface WorkersViewProps {
  clusterMode: boolean | undefined;
  /** An admin: join tokens are shown (they are secrets, and only admins may create or revoke them). */
  canManage: boolean;
}

export function WorkersView({ clusterMode, canManage }: WorkersViewProps) {
  const workers = useWorkers();
  return (
    <div className="space-y-6">
      <ClusterOverview workers={workers.data ?? []} />
      <Card>
        <CardHeader>
          <CardTitle>Machines</CardTitle>
          <CardDescription>Every computer that trains models for this server. Updated every few seconds.</CardDescription>
        </CardHeader>
        <CardContent>
          <Machines clusterMode={clusterMode} canManage={canManage} />
        </CardContent>
      </Card>
      <div className={canManage ? "grid gap-6 xl:grid-cols-2" : "grid gap-6"}>
        <Card>
          <CardHeader>
            <CardTitle>Work queues</CardTitle>
            <CardDescription>Trials wait here until a machine able to run them takes them.</CardDescription>
          </CardHeader>
          <CardContent>
            <Queues />
          </CardContent>
        </Card>
        {canManage && (
          <Card>
            <CardHeader>
              <CardTitle>Join tokens</CardTitle>
              <CardDescription>Secrets that let a machine join. Revoke one to disconnect its machines.</CardDescription>
            </CardHeader>
            <CardContent>
              <TokenList />
            </CardContent>
          </Card>
        )}
      </div>
      <PluginsPanel />
    </div>
  );
}
