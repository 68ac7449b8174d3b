import { Link } from "react-router";
import type { Job } from "../../../api/types";
import { ProgressBar } from "../../../components/ProgressBar";
import { StatusBadge } from "../../../components/StatusBadge";
import { formatNumber } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";
import { useLabels } from "../../../api/hooks/catalogue";
import { PROBLEM_TYPE_TEXT, taskTitle } from "../../../lib/problemType";
import { isActive } from "../../../lib/jobStatus";
import { ScrollRegion } from "../../../components/ScrollRegion";
import { TagList } from "../../../components/TagList";

/** Ticked jobs (in picking order) and how to tick one: the Jobs page's "Compare" selection. Only a job that
 * delivered a model can be ticked: the comparison is of the models jobs deliver. */
export interface JobSelection {
  selected: readonly string[];
  onToggle: (id: string) => void;
}

export function JobList({ jobs, selection }: { jobs: Job[]; selection?: JobSelection }) {
  const labels = useLabels();
  return (
    <ScrollRegion label="Jobs" className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted uppercase">
          <tr>
            {selection && (
              <th scope="col" className="w-8 py-2 pr-2">
                <span className="sr-only">Pick to compare</span>
              </th>
            )}
            <th className="py-2 pr-4 font-medium">Job</th>
            <th className="py-2 pr-4 font-medium">Status</th>
            <th className="w-40 py-2 pr-4 font-medium">Progress</th>
            <th className="py-2 pr-4 font-medium">Best</th>
            <th className="py-2 font-medium">Created</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {jobs.map((job) => (
            <tr key={job.id} className="hover:bg-raised/50">
              {selection && (
                <td className="py-2 pr-2">
                  {job.status === "completed" && job.model_id && (
                    <input
                      type="checkbox"
                      className="size-4 accent-[var(--accent)]"
                      checked={selection.selected.includes(job.id)}
                      onChange={() => selection.onToggle(job.id)}
                      aria-label={`Pick ${job.name || taskTitle(job.target_column, job.problem_type)} (${job.id.slice(0, 8)}) to compare`}
                    />
                  )}
                </td>
              )}
              <td className="max-w-72 py-2 pr-4">
                <Link to={`/jobs/${job.id}`} className="block truncate font-medium text-accent hover:underline">
                  {job.name || taskTitle(job.target_column, job.problem_type)}
                </Link>
                <span className="text-xs text-muted">
                  {job.target_column ? `predict ${job.target_column} · ` : ""}{PROBLEM_TYPE_TEXT[job.problem_type].label} · {labels.metric(job.metric)}
                </span>
                {job.tags && job.tags.length > 0 && (
                  <div className="mt-1">
                    <TagList tags={job.tags} />
                  </div>
                )}
              </td>
              <td className="py-2 pr-4">
                <StatusBadge status={job.status} />
              </td>
              <td className="py-2 pr-4">
                {isActive(job.status) ? (
                  <ProgressBar value={job.progress} label={`${job.name} progress`} />
                ) : (
                  <span className="text-xs text-muted">{job.n_trials} trials</span>
                )}
              </td>
              <td className="py-2 pr-4 tabular-nums">
                {formatNumber(job.best_score)}
                {job.best_algorithm && <span className="block text-xs text-muted">{labels.algorithm(job.best_algorithm)}</span>}
                {job.status === "completed" && job.model_id && (
                  <Link
                    to={`/models/${job.model_id}`}
                    className="text-xs text-accent hover:underline"
                    aria-label={`Open results of ${job.name || taskTitle(job.target_column, job.problem_type)}`}
                  >
                    Results
                  </Link>
                )}
              </td>
              <td className="py-2 text-muted">{formatAgo(job.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
