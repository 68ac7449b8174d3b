import { Link } from "react-router";
import { shortId } from "../../../lib/format";
import type { Worker } from "../../../api/hooks/workers";

/** "2 of 4" slots busy, and links to the jobs whose trials run there. */
export function RunningTrials({ worker }: { worker: Worker }) {
  const trials = worker.status === "online" ? worker.current_trials : [];
  return (
    <div className="text-xs">
      <p className="tabular-nums">
        <span className={trials.length > 0 ? "font-medium text-accent" : "text-muted"}>{trials.length}</span>
        <span className="text-muted"> of {worker.concurrency} at once</span>
      </p>
      {trials.length > 0 && (
        <ul className="mt-1 space-y-0.5">
          {trials.slice(0, 4).map((trial) => (
            <li key={trial.id} className="truncate">
              <Link to={`/jobs/${trial.job_id}`} className="text-accent hover:underline">
                {trial.algorithm} #{trial.trial_number}
              </Link>
              <span className="text-muted"> · job {shortId(trial.job_id)}</span>
            </li>
          ))}
          {trials.length > 4 && <li className="text-muted">and {trials.length - 4} more</li>}
        </ul>
      )}
    </div>
  );
}
