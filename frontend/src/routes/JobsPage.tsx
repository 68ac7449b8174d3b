import { ListChecks } from "lucide-react";
import { Link } from "react-router";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { primaryLinkClass } from "../components/Button";
import { useJobs } from "../features/jobs/api";
import { JobList } from "../features/jobs/components/JobList";

export function JobsPage() {
  const jobs = useJobs();
  return (
    <>
      <PageHeader
        title="Training jobs"
        actions={
          <Link to="/train" className={primaryLinkClass}>
            New training
          </Link>
        }
      />
      <Card>
        <QueryView query={jobs}>
          {(data) =>
            data.length === 0 ? (
              <EmptyState title="No training jobs yet" icon={<ListChecks className="size-8" aria-hidden />} />
            ) : (
              <JobList jobs={data} />
            )
          }
        </QueryView>
      </Card>
    </>
  );
}
