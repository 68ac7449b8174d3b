import { Navigate, useParams } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { CloneJobLink, JobNotes, JobTitle } from "../features/history/components/ItemHistory";
import { useJob } from "../api/hooks/jobs";
import { JobMonitor } from "../features/jobs/components/JobMonitor";
import { useLabels } from "../api/hooks/catalogue";
import { taskTitle } from "../lib/problemType";
import { KeepModelButton } from "../features/results/components/KeepModelButton";

export function JobPage() {
  const { id = "" } = useParams();
  const job = useJob(id);
  const labels = useLabels();
  const title = job.data ? job.data.name || taskTitle(job.data.target_column, job.data.problem_type) : "Training job";
  // The validation is in the header's facts, in the API's words: not repeated (and possibly contradicted) here.
  if (job.data?.kind === "workflow" && job.data.workflow_id) {
    // A workflow run's job: its nodes, outputs and states are on the workflow's canvas, not on a training page.
    const run = job.data.workflow_run_id ? `?run=${job.data.workflow_run_id}` : "";
    return <Navigate to={`/workflows/${job.data.workflow_id}${run}`} replace />;
  }
  const subtitle = job.data && `${job.data.problem_type} · metric ${labels.metric(job.data.metric)} · ${job.data.algorithms.length} algorithms`;
  return (
    <>
      <PageHeader
        title={job.data ? <JobTitle job={job.data} /> : title}
        subtitle={subtitle}
        actions={job.data && <CloneJobLink jobId={job.data.id} />}
      />
      <QueryView query={job} loadingLabel="Loading job…">
        {(data) => (
          <div className="space-y-6">
            <JobMonitor
              job={data}
              trialActions={(trial) => <KeepModelButton jobId={data.id} trial={trial} jobModelId={data.model_id} />}
            />
            <JobNotes job={data} />
          </div>
        )}
      </QueryView>
    </>
  );
}
