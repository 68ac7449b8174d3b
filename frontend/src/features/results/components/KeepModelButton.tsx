import { ArrowRightLeft, LoaderCircle, PackagePlus, RotateCcw } from "lucide-react";
import { Link } from "react-router";
import type { Id, Trial } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { compareUrl } from "../../../lib/links";
import { useJobAccess } from "../../../api/hooks/items";
import { refitsByTrial, useJobRefits, useKeepTrial } from "../refits";

interface KeepModelButtonProps {
  jobId: Id;
  trial: Trial;
  /** The job's delivered model: once kept, the row offers to compare the two. */
  jobModelId?: Id | null;
}

/** A leaderboard row's action: keep the trial as a model of its own (refit on all rows on the server), then open
 * it. The server decides what can be kept and says why not; this only shows its answer. */
export function KeepModelButton({ jobId, trial, jobModelId }: KeepModelButtonProps) {
  const refits = useJobRefits(jobId);
  const keep = useKeepTrial(jobId);
  const access = useJobAccess(jobId);
  if (trial.status !== "completed" || trial.score === null) return null;
  const refit = refits.data ? refitsByTrial(refits.data).get(trial.trial_number) : undefined;
  // A project viewer may open what others kept but not keep one (the server would answer 403).
  if (!access.data?.can_change && refit?.state !== "completed") return null;
  const label = `trial ${trial.trial_number} (${trial.algorithm})`;

  if (refit?.state === "running" || keep.isPending) {
    return (
      <span className="inline-flex items-center gap-1 text-xs text-accent" role="status">
        <LoaderCircle className="size-3.5 animate-spin" aria-hidden /> Refitting…
      </span>
    );
  }
  if (refit?.state === "completed" && refit.model_id) {
    return (
      <span className="inline-flex items-center gap-2 text-xs whitespace-nowrap">
        <Link to={`/models/${refit.model_id}`} className="font-medium text-accent hover:underline" aria-label={`Open model of ${label}`}>
          Open model
        </Link>
        {jobModelId && jobModelId !== refit.model_id && (
          <Link
            to={compareUrl("models", [jobModelId, refit.model_id])}
            className="inline-flex items-center gap-1 text-muted hover:text-fg hover:underline"
            aria-label={`Compare ${label} with the job's model`}
          >
            <ArrowRightLeft className="size-3.5" aria-hidden /> Compare
          </Link>
        )}
      </span>
    );
  }
  const failed = refit?.state === "failed";
  const button = (
    <Button
      variant="ghost"
      size="sm"
      onClick={() => keep.mutate(trial.trial_number)}
      // The visible words first (WCAG 2.5.3, label in name), then which row.
      aria-label={`${failed ? "Retry keep" : "Keep as model"}: ${label}`}
      title="Refit this trial on all rows and keep it as a model you can deploy"
    >
      {failed ? <RotateCcw aria-hidden /> : <PackagePlus aria-hidden />}
      {failed ? "Retry keep" : "Keep as model"}
    </Button>
  );
  if (!failed) return button;
  return (
    <span className="inline-flex items-center gap-2">
      <span className="max-w-48 truncate text-xs text-danger" title={refit.error ?? undefined}>
        Refit failed: {refit.error ?? "reason unknown"}
      </span>
      {button}
    </span>
  );
}
