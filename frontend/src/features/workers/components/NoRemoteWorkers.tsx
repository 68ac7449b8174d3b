import { Server } from "lucide-react";

/** Shown while only the master's own pool exists: it is not a problem, and here is how to grow. */
interface NoRemoteWorkersProps {
  clusterMode: boolean | undefined;
  /** An admin, who can add workers; a member is told whom to ask. */
  canManage: boolean;
}

export function NoRemoteWorkers({ clusterMode, canManage }: NoRemoteWorkersProps) {
  return (
    <div className="flex items-start gap-3 rounded-md border border-line bg-raised/50 px-4 py-3 text-sm">
      <Server className="mt-0.5 size-5 shrink-0 text-accent" aria-hidden />
      <div className="space-y-1">
        <p className="font-medium">Only this server is training, and that is fine.</p>
        {canManage ? (
          <p className="text-muted">
            Its built-in pool runs every job on this computer. To train faster, add more computers (with or without a
            graphics card): press “Add a worker”, then run the command it shows on each new machine.
            {clusterMode === false &&
              " This server must first be started with a broker (CELERY_BROKER_URL, a Redis address): CLUSTER_SETUP.md explains it step by step."}
          </p>
        ) : (
          <p className="text-muted">
            Its built-in pool runs every job on this computer. An administrator can add more computers to train
            faster.
          </p>
        )}
      </div>
    </div>
  );
}
