import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { cn } from "../../../lib/cn";
import { formatLatency, queueLabel } from "../cluster";
import { type ClusterInfo } from "../../../api/hooks/workers";

function count(value: number | null): string {
  return value === null ? "—" : String(value);
}

/** Each queue: who takes its work and how much waits. A growing backlog means no machine is taking it. */
export function QueuePanel({ cluster }: { cluster: ClusterInfo }) {
  const { dispatch, local_pool: pool } = cluster;
  return (
    <div className="space-y-4">
      <Table aria-label="Work queues">
        <TableHeader>
          <TableRow>
            <TableHead>Queue</TableHead>
            <TableHead className="text-right">Machines</TableHead>
            <TableHead className="text-right">Trials at once</TableHead>
            <TableHead className="text-right">Waiting</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {cluster.queues.map((queue) => (
            <TableRow key={queue.name}>
              <TableCell>
                <p className="font-mono text-xs">{queue.name}</p>
                <p className="text-xs text-muted">{queueLabel(queue.name)}</p>
              </TableCell>
              <TableCell className="text-right tabular-nums">{count(queue.consumers)}</TableCell>
              <TableCell className="text-right tabular-nums">{count(queue.slots)}</TableCell>
              <TableCell
                className={cn(
                  "text-right tabular-nums",
                  (queue.backlog ?? 0) > 0 && (queue.consumers ?? 0) === 0 && "font-medium text-warn",
                )}
              >
                {count(queue.backlog)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <div className="grid gap-1 text-xs text-muted sm:grid-cols-2">
        <p>
          This server’s own pool: {pool.processes} {pool.processes === 1 ? "process" : "processes"}
          {pool.trials_on_master
            ? ", training alongside the other machines."
            : ", used for the final model only while other machines are online."}
        </p>
        <p>Live updates: {cluster.event_bus === "redis" ? "shared through Redis" : "inside this server"}.</p>
        {dispatch && (
          <p className="sm:col-span-2">
            Time for a machine to pick up a trial: typically {formatLatency(dispatch.p50_ms)}, at worst{" "}
            {formatLatency(dispatch.p99_ms)} (over the last {dispatch.samples} trials).
          </p>
        )}
      </div>
    </div>
  );
}
