import { ListChecks } from "lucide-react";
import { Link } from "react-router";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { StatusBadge } from "../../../components/StatusBadge";
import { formatNumber } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";
import { taskTitle } from "../../../lib/problemType";
import { useJobs } from "../../../api/hooks/jobs";
import { useLabels } from "../../../api/hooks/catalogue";
import { lastActivity, recentActivity } from "../summary";
import { ListSkeleton } from "./Skeleton";

const RECENT = 8;

/** The latest training jobs: what happened to each and when. */
export function RecentActivity() {
  const jobs = useJobs();
  const labels = useLabels();
  let body;
  if (jobs.isError && !jobs.data) body = <ErrorBanner message={jobs.error.message} />;
  else if (!jobs.data) body = <ListSkeleton label="Loading recent jobs" />;
  else if (jobs.data.length === 0) {
    body = (
      <EmptyState title="No training jobs yet" icon={<ListChecks className="size-8" aria-hidden />}>
        <Link to="/data" className="text-accent hover:underline">
          Upload a dataset
        </Link>
        , then{" "}
        <Link to="/train" className="text-accent hover:underline">
          start a training job
        </Link>
        . Its progress shows up here.
      </EmptyState>
    );
  } else {
    body = (
      <ul className="divide-y divide-line">
        {recentActivity(jobs.data, RECENT).map((job) => {
          const { verb, at } = lastActivity(job);
          return (
            <li key={job.id} className="flex items-center gap-3 py-2 text-sm">
              <StatusBadge status={job.status} />
              <div className="min-w-0 flex-1">
                <Link to={`/jobs/${job.id}`} className="block truncate font-medium text-accent hover:underline">
                  {job.name || taskTitle(job.target_column, job.problem_type)}
                </Link>
                <span className="text-xs text-muted">
                  {verb} {formatAgo(at)}
                  {job.status === "running" && ` · ${Math.round(job.progress)}%`}
                </span>
              </div>
              {job.best_score !== null && (
                <span className="text-right text-xs text-muted tabular-nums">
                  best {labels.metric(job.metric)}
                  <span className="block text-sm font-semibold text-fg">{formatNumber(job.best_score)}</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    );
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Recent activity</CardTitle>
        <CardAction>
          <Link to="/jobs" className="text-sm text-accent hover:underline">
            All jobs
          </Link>
        </CardAction>
      </CardHeader>
      <CardContent>
        {body}
      </CardContent>
    </Card>
  );
}
