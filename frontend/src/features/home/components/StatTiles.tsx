import { Boxes, Database, ListChecks, LoaderCircle, Server } from "lucide-react";
import type { Stats } from "../../../api/types";

function Tile({ label, value, Icon }: { label: string; value: number; Icon: typeof Database }) {
  return (
    <div className="flex items-center gap-4 rounded-lg border border-line bg-surface p-4">
      <div className="rounded-md bg-accent/15 p-2.5 text-accent">
        <Icon className="size-5" aria-hidden />
      </div>
      <div>
        <p className="text-2xl font-semibold tabular-nums">{value.toLocaleString()}</p>
        <p className="text-xs text-muted">{label}</p>
      </div>
    </div>
  );
}

export function StatTiles({ stats }: { stats: Stats }) {
  const running = (stats.jobs.by_status.running ?? 0) + (stats.jobs.by_status.queued ?? 0);
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-5">
      <Tile label="Datasets" value={stats.datasets} Icon={Database} />
      <Tile label="Training jobs" value={stats.jobs.total} Icon={ListChecks} />
      <Tile label="Running or queued" value={running} Icon={LoaderCircle} />
      <Tile label="Models" value={stats.models} Icon={Boxes} />
      <Tile label="Workers online" value={stats.workers_online} Icon={Server} />
    </div>
  );
}
