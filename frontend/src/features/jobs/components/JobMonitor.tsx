import type { Job } from "../../../api/types";
import { Card } from "../../../components/Card";
import { QueryView } from "../../../components/QueryView";
import { parseUtc, useNow } from "../../../lib/time";
import { useLabels } from "../../meta/useLabels";
import { useJobCurve, useJobTrials, useLeaderboard } from "../api";
import { KeepModelButton } from "../../results/components/KeepModelButton";
import { isActive } from "../status";
import { useJobEvents } from "../useJobEvents";
import { BestCurveChart } from "./BestCurveChart";
import { JobHeader } from "./JobHeader";
import { JobLogs } from "./JobLogs";
import { LiveLeaderboard } from "./LiveLeaderboard";
import { TrialChart } from "./TrialChart";

/** Seconds since the job started while it runs, so the best-score line reaches "now"; null once it is over. */
function useSecondsRunning(job: Job): number | null {
  const active = job.status === "running";
  const now = useNow(2000, active);
  const start = parseUtc(job.started_at);
  return active && start !== null ? Math.max(0, (now - start) / 1000) : null;
}

export function JobMonitor({ job }: { job: Job }) {
  const active = isActive(job.status);
  const socket = useJobEvents(job.id, active);
  const trials = useJobTrials(job.id, active);
  const curve = useJobCurve(job.id, active);
  const nowSeconds = useSecondsRunning(job);
  // The delivered model (for the trophy) exists once the job has a model; the server places it among the trials.
  const board = useLeaderboard(job.model_id ? job.id : undefined);
  const delivered = board.data?.delivered ?? null;
  const metric = useLabels().metric(job.metric);

  return (
    <div className="space-y-6">
      <JobHeader job={job} socket={socket} />
      <div className="grid gap-6 xl:grid-cols-5">
        <Card title="Leaderboard" className="xl:col-span-3">
          <QueryView query={trials} loadingLabel="Loading trials…">
            {(page) => (
              // The curve knows the metric's direction, which orders the board.
              <QueryView query={curve} loadingLabel="Loading trials…">
                {(data) => (
                  <LiveLeaderboard
                    trials={page.items}
                    metric={job.metric}
                    greaterIsBetter={data.greater_is_better}
                    delivered={delivered}
                    validationLabel={job.validation_label}
                    // Once the job has ended, any completed trial can be kept as a model of its own.
                    renderActions={active ? undefined : (trial) => <KeepModelButton jobId={job.id} trial={trial} jobModelId={job.model_id} />}
                  />
                )}
              </QueryView>
            )}
          </QueryView>
        </Card>
        <Card title={`Best ${metric} over time`} className="xl:col-span-2">
          <QueryView query={curve}>{(data) => <BestCurveChart curve={data} nowSeconds={nowSeconds} />}</QueryView>
        </Card>
      </div>
      <Card title={`${metric} of each trial`}>
        <QueryView query={trials}>
          {(page) => <TrialChart trials={page.items} algorithms={job.algorithms} metric={job.metric} />}
        </QueryView>
      </Card>
      <JobLogs jobId={job.id} live={active} />
    </div>
  );
}
