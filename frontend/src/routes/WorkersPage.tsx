import { PageHeader } from "../components/PageHeader";
import { useCluster } from "../features/workers/api";
import { AddWorkerDialog } from "../features/workers/components/AddWorkerDialog";
import { WorkersView } from "../features/workers/components/WorkersView";

export function WorkersPage() {
  const cluster = useCluster();
  const clusterMode = cluster.data ? cluster.data.mode === "cluster" : undefined;
  return (
    <>
      <PageHeader
        title="Workers"
        subtitle="The computers that train your models: this server, plus any machines you add."
        actions={<AddWorkerDialog clusterMode={clusterMode} />}
      />
      <WorkersView clusterMode={clusterMode} />
    </>
  );
}
