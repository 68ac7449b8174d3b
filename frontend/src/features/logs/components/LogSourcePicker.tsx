import { Select, SelectContent, SelectItem, SelectSeparator, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { shortId } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";
import { taskTitle } from "../../../lib/problemType";
import { useJobChoices, type JobSummary } from "../api";

// Radix Select refuses "" as an item value, so the server log has a name of its own.
const SERVER = "__server__";

function jobLabel(job: JobSummary): string {
  return `${job.name || taskTitle(job.target_column, job.problem_type)} · ${job.status} · ${formatAgo(job.created_at)}`;
}

interface LogSourcePickerProps {
  id: string;
  jobId: string | null;
  onChange: (jobId: string | null) => void;
}

/** The server's log or one training job's log. */
export function LogSourcePicker({ id, jobId, onChange }: LogSourcePickerProps) {
  const jobs = useJobChoices();
  const list = jobs.data ?? [];
  const known = jobId === null || list.some((job) => job.id === jobId);
  return (
    <Select value={jobId ?? SERVER} onValueChange={(value) => onChange(value === SERVER ? null : value)}>
      <SelectTrigger id={id} className="w-64">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={SERVER}>Server log (everything)</SelectItem>
        {(list.length > 0 || !known) && <SelectSeparator />}
        {/* A job from the address bar that the list does not (yet) hold still needs an item to show as chosen. */}
        {!known && jobId && <SelectItem value={jobId}>Job {shortId(jobId)}</SelectItem>}
        {list.map((job) => (
          <SelectItem key={job.id} value={job.id}>
            {jobLabel(job)}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
