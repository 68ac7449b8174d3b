import { Boxes, CheckCircle2, Clock, Database, LoaderCircle, Server } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { ErrorBanner } from "../../../components/States";
import { useWorkers } from "../../../api/hooks/workers";
import { HOME_POLL_MS, useStats } from "../api";
import { jobCounts, workerSummary } from "../summary";
import { Skeleton } from "./Skeleton";

interface TileProps {
  to: string;
  label: string;
  value: number | undefined;
  hint?: string;
  Icon: typeof Database;
  spin?: boolean;
}

function Tile({ to, label, value, hint, Icon, spin = false }: TileProps) {
  return (
    <Link
      to={to}
      className="flex items-center gap-3 rounded-lg border border-line bg-surface p-4 transition hover:border-accent/60"
    >
      <div className="rounded-md bg-accent/15 p-2.5 text-accent">
        <Icon className={`size-5 ${spin && value ? "animate-spin" : ""}`} aria-hidden />
      </div>
      <div className="min-w-0">
        {value === undefined ? (
          <Skeleton className="mb-1 h-7 w-10" />
        ) : (
          <p className="text-2xl font-semibold tabular-nums">{value.toLocaleString()}</p>
        )}
        <p className="text-xs text-muted">{label}</p>
        {hint && <p className="truncate text-xs text-muted">{hint}</p>}
      </div>
    </Link>
  );
}

function Grid({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-2 gap-4 md:grid-cols-3 xl:grid-cols-6">{children}</div>;
}

/** Counts at a glance, each a link to where they are listed; skeletons while they load. */
export function StatTiles() {
  const stats = useStats();
  const workers = useWorkers(HOME_POLL_MS);
  const jobs = stats.data && jobCounts(stats.data);
  const pool = workers.data && workerSummary(workers.data);
  return (
    <div className="space-y-3">
      <Grid>
        <Tile to="/jobs" label="Training now" value={jobs?.running} Icon={LoaderCircle} spin />
        <Tile to="/jobs" label="Waiting in queue" value={jobs?.queued} Icon={Clock} />
        <Tile
          to="/jobs"
          label="Finished jobs"
          value={jobs?.finished}
          hint={jobs && jobs.failed > 0 ? `${jobs.failed} failed` : undefined}
          Icon={CheckCircle2}
        />
        <Tile to="/data" label="Datasets" value={stats.data?.datasets} Icon={Database} />
        <Tile to="/models" label="Models" value={stats.data?.models} Icon={Boxes} />
        <Tile
          to="/workers"
          label="Workers online"
          value={pool?.online}
          hint={pool && (pool.busy > 0 ? `${pool.busy} trial${pool.busy === 1 ? "" : "s"} running` : `of ${pool.total}`)}
          Icon={Server}
        />
      </Grid>
      {stats.isError && !stats.data && <ErrorBanner message={stats.error.message} />}
      {workers.isError && !workers.data && <ErrorBanner message={workers.error.message} />}
    </div>
  );
}
