import type { ReactNode } from "react";
import type { Job, Trial } from "../../../api/types";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { QueryView } from "../../../components/QueryView";
import { parseUtc, useNow } from "../../../lib/time";
import { useLabels } from "../../../api/hooks/catalogue";
import { useJobCurve, useJobTrials, useLeaderboard } from "../../../api/hooks/jobs";
import { isActive } from "../../../lib/jobStatus";
import { isClustering } from "../../../lib/problemType";
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

interface JobMonitorProps {
  job: Job;
  /** What a finished job's leaderboard row offers (the Job page passes "keep this trial as a model"). */
  trialActions?: (trial: Trial) => ReactNode;
}

export function JobMonitor({ job, trialActions }: JobMonitorProps) {
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
        <Card className="xl:col-span-3">
          <CardHeader>
            <CardTitle>Leaderboard</CardTitle>
          </CardHeader>
          <CardContent>
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
                      clustering={isClustering(job.problem_type)}
                      // Once the job has ended, any completed trial can be kept as a model of its own.
                      renderActions={active ? undefined : trialActions}
                    />
                  )}
                </QueryView>
              )}
            </QueryView>
          </CardContent>
        </Card>
        <Card className="xl:col-span-2">
          <CardHeader>
            <CardTitle>{`Best ${metric} over time`}</CardTitle>
          </CardHeader>
          <CardContent>
            <QueryView query={curve}>{(data) => <BestCurveChart curve={data} nowSeconds={nowSeconds} />}</QueryView>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>{`${metric} of each trial`}</CardTitle>
        </CardHeader>
        <CardContent>
          <QueryView query={trials}>
            {(page) => <TrialChart trials={page.items} algorithms={job.algorithms} metric={job.metric} />}
          </QueryView>
        </CardContent>
      </Card>
      <JobLogs jobId={job.id} live={active} />
    </div>
  );
}
