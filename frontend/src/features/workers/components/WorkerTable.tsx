import { CircleCheck, CircleOff, Server } from "lucide-react";
import { Badge } from "../../../components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatDateTime } from "../../../lib/time";
import { queueLabel, sortWorkers } from "../cluster";
import { type Worker } from "../../../api/hooks/workers";
import { formatHeartbeatAge } from "../../../lib/hardware";
import { HardwareSummary } from "./HardwareSummary";
import { RunningTrials } from "./RunningTrials";

function StatusCell({ worker }: { worker: Worker }) {
  const online = worker.status === "online";
  return (
    <div className="space-y-1">
      <Badge variant={online ? "ok" : "outline"}>
        {online ? <CircleCheck aria-hidden /> : <CircleOff aria-hidden />}
        {online ? "Online" : "Offline"}
      </Badge>
      <p className="text-xs text-muted" title={`Last report ${formatDateTime(worker.last_heartbeat)}`}>
        {/* The master's pool sends no heartbeats: it is online exactly while the server runs. */}
        {worker.kind === "local" ? "Part of this server" : `Seen ${formatHeartbeatAge(worker.heartbeat_age_seconds)}`}
      </p>
    </div>
  );
}

function NameCell({ worker }: { worker: Worker }) {
  const local = worker.kind === "local";
  return (
    <div className="min-w-0">
      <p className="flex items-center gap-2 font-medium">
        <Server className="size-4 shrink-0 text-muted" aria-hidden />
        <span className="truncate">{local ? "This server" : worker.name}</span>
        {local && <Badge variant="secondary">built-in</Badge>}
      </p>
      <p className="truncate text-xs text-muted">
        {worker.hostname}
        {worker.version && ` · FlowML ${worker.version}`}
      </p>
    </div>
  );
}

export function WorkerTable({ workers }: { workers: Worker[] }) {
  return (
    <Table aria-label="Workers">
      <TableHeader>
        <TableRow>
          <TableHead>Machine</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Hardware</TableHead>
          <TableHead>Takes work from</TableHead>
          <TableHead>Training now</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sortWorkers(workers).map((worker) => (
          <TableRow key={worker.id} className={worker.status === "offline" ? "opacity-70" : undefined}>
            <TableCell className="max-w-64 align-top">
              <NameCell worker={worker} />
            </TableCell>
            <TableCell className="align-top">
              <StatusCell worker={worker} />
            </TableCell>
            <TableCell className="align-top">
              <HardwareSummary worker={worker} />
            </TableCell>
            <TableCell className="max-w-56 align-top">
              <div className="flex flex-wrap gap-1">
                {worker.queues.map((queue) => (
                  <Badge key={queue} variant="outline" title={queueLabel(queue)}>
                    {queue}
                  </Badge>
                ))}
              </div>
            </TableCell>
            <TableCell className="align-top">
              <RunningTrials worker={worker} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
