import { ListChecks } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import { primaryLinkClass } from "../components/Button";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useJobs } from "../features/jobs/api";
import { JobFilterTabs } from "../features/jobs/components/JobFilterTabs";
import { JobList } from "../features/jobs/components/JobList";
import { type JobFilter, matchesFilter } from "../features/jobs/list";

export function JobsPage() {
  const jobs = useJobs();
  const [filter, setFilter] = useState<JobFilter>("all");
  return (
    <>
      <PageHeader
        title="Training jobs"
        subtitle="Every training run: open one to watch it live or to see its results."
        actions={
          <Link to="/train" className={primaryLinkClass}>
            New training
          </Link>
        }
      />
      <Card>
        <QueryView query={jobs} loadingLabel="Loading jobs…">
          {(data) => {
            if (data.length === 0) {
              return (
                <EmptyState title="No training jobs yet" icon={<ListChecks className="size-8" aria-hidden />}>
                  <Link to="/data" className="text-accent hover:underline">
                    Upload a dataset
                  </Link>{" "}
                  first, then{" "}
                  <Link to="/train" className="text-accent hover:underline">
                    start a training job
                  </Link>
                  : FlowML tries many models and keeps the best.
                </EmptyState>
              );
            }
            const shown = data.filter((job) => matchesFilter(job, filter));
            return (
              <div className="space-y-4">
                <JobFilterTabs jobs={data} value={filter} onChange={setFilter} />
                {shown.length === 0 ? <EmptyState title="No jobs in this group" /> : <JobList jobs={shown} />}
              </div>
            );
          }}
        </QueryView>
      </Card>
    </>
  );
}
