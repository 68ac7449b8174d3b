import { FastForward, Square } from "lucide-react";
import type { Job } from "../../../api/types";
import { useLabels } from "../../../api/hooks/catalogue";
import { useCancelJob, useStopJob } from "../../../api/hooks/jobs";
import { isActive } from "../../../lib/jobStatus";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { useJobAccess } from "../../../api/hooks/items";

/** Stop (keep the best model so far) and Cancel (no model), each behind a question. Errors toast via the client.
 * Offered only to who may change the job (the server's answer, GET .../access): a project viewer watches. */
export function JobActions({ job }: { job: Job }) {
  const cancel = useCancelJob(job.id);
  const stop = useStopJob(job.id);
  const labels = useLabels();
  const access = useJobAccess(job.id);
  if (!isActive(job.status) || !access.data?.can_change) return null;
  // Stopping keeps the best model, so it needs one; it also only means something while the search runs.
  const canStop = job.status === "running" && job.stage === "searching" && job.best_score !== null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {canStop && (
        <ConfirmAction
          label="Stop and keep best"
          icon={<FastForward aria-hidden />}
          title="Stop the search now?"
          description={
            <>
              No more models will be tried. The job finishes with the best model found so far
              {job.best_algorithm ? ` (${labels.algorithm(job.best_algorithm)})` : ""}, which you can then use for predictions.
            </>
          }
          confirmLabel="Stop now"
          dismissLabel="Keep training"
          pending={stop.isPending}
          onConfirm={() => stop.mutate()}
        />
      )}
      <ConfirmAction
        label="Cancel job"
        icon={<Square aria-hidden />}
        variant="outline"
        className="border-danger/50 text-danger hover:bg-danger/10"
        title="Cancel this training job?"
        description={
          "Training stops and no model is saved. Trials that already finished stay listed here. " +
          "This cannot be undone."
        }
        confirmLabel="Yes, cancel job"
        dismissLabel="Keep training"
        pending={cancel.isPending}
        onConfirm={() => cancel.mutate()}
      />
    </div>
  );
}
