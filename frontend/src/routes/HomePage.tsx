import { ListChecks } from "lucide-react";
import { Link } from "react-router";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useStats } from "../features/home/api";
import { GettingStarted } from "../features/home/components/GettingStarted";
import { StatTiles } from "../features/home/components/StatTiles";
import { useJobs } from "../features/jobs/api";
import { JobList } from "../features/jobs/components/JobList";

const RECENT_JOBS = 8;

export function HomePage() {
  const stats = useStats();
  const jobs = useJobs();
  return (
    <>
      <PageHeader title="Overview" subtitle="Upload a table, train models against a time budget, and put the best one to work." />
      <div className="space-y-6">
        <QueryView query={stats}>{(data) => <StatTiles stats={data} />}</QueryView>
        <GettingStarted />
        <Card
          title="Recent training jobs"
          actions={
            <Link to="/jobs" className="text-sm text-accent hover:underline">
              All jobs
            </Link>
          }
        >
          <QueryView query={jobs}>
            {(data) =>
              data.length === 0 ? (
                <EmptyState title="No training jobs yet" icon={<ListChecks className="size-8" aria-hidden />}>
                  <Link to="/train" className="text-accent hover:underline">
                    Start one
                  </Link>{" "}
                  once you have uploaded a dataset.
                </EmptyState>
              ) : (
                <JobList jobs={data.slice(0, RECENT_JOBS)} />
              )
            }
          </QueryView>
        </Card>
      </div>
    </>
  );
}
