import { useParams } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { useJob } from "../features/jobs/api";
import { JobMonitor } from "../features/jobs/components/JobMonitor";

export function JobPage() {
  const { id = "" } = useParams();
  const job = useJob(id);
  const title = job.data ? job.data.name || `Predict ${job.data.target_column}` : "Training job";
  const subtitle = job.data && `${job.data.problem_type} · metric ${job.data.metric} · ${job.data.algorithms.length} algorithms · ${job.data.n_folds}-fold CV`;
  return (
    <>
      <PageHeader title={title} subtitle={subtitle} />
      <QueryView query={job} loadingLabel="Loading job…">
        {(data) => <JobMonitor job={data} />}
      </QueryView>
    </>
  );
}
