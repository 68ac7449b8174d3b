import { PageHeader } from "../components/PageHeader";
import { useIsAdmin } from "../api/hooks/session";
import { useCluster } from "../api/hooks/workers";
import { AddWorkerDialog } from "../features/workers/components/AddWorkerDialog";
import { WorkersView } from "../features/workers/components/WorkersView";

export function WorkersPage() {
  const cluster = useCluster();
  const clusterMode = cluster.data ? cluster.data.mode === "cluster" : undefined;
  // Members get the read-only view: join tokens and every change to the cluster are for admins (the server agrees).
  const admin = useIsAdmin();
  return (
    <>
      <PageHeader
        title="Workers"
        subtitle="The computers that train your models: this server, plus any machines you add."
        actions={admin && <AddWorkerDialog clusterMode={clusterMode} />}
      />
      <WorkersView clusterMode={clusterMode} canManage={admin} />
    </>
  );
}
