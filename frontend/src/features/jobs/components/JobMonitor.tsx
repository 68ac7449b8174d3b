import type { Job } from "../../../api/types";
import { Card } from "../../../components/Card";
import { QueryView } from "../../../components/QueryView";
import { useLeaderboard } from "../api";
import { isActive } from "../status";
import { useJobEvents } from "../useJobEvents";
import { JobHeader } from "./JobHeader";
import { LeaderboardTable } from "./LeaderboardTable";
import { ScoreChart } from "./ScoreChart";

export function JobMonitor({ job }: { job: Job }) {
  const active = isActive(job.status);
  const socket = useJobEvents(job.id, active);
  const board = useLeaderboard(job.id, active);

  return (
    <div className="space-y-6">
      <JobHeader job={job} socket={socket} />
      <div className="grid gap-6 xl:grid-cols-5">
        <Card title="Leaderboard" className="xl:col-span-3">
          <QueryView query={board}>{(data) => <LeaderboardTable board={data} />}</QueryView>
        </Card>
        <Card title={`Best ${job.metric} vs trial`} className="xl:col-span-2">
          <QueryView query={board}>{(data) => <ScoreChart board={data} />}</QueryView>
        </Card>
      </div>
    </div>
  );
}
