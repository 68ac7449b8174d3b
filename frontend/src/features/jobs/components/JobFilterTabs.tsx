import type { Job } from "../../../api/types";
import { JOB_FILTERS, type JobFilter, filterCounts } from "../list";

interface JobFilterTabsProps {
  jobs: readonly Job[];
  value: JobFilter;
  onChange: (value: JobFilter) => void;
}

/** Toggle buttons (not tabs: the list below is the same list, narrowed) with a count each. */
export function JobFilterTabs({ jobs, value, onChange }: JobFilterTabsProps) {
  const counts = filterCounts(jobs);
  return (
    <div role="group" aria-label="Show jobs" className="flex flex-wrap gap-2">
      {JOB_FILTERS.map((item) => {
        const selected = item.value === value;
        return (
          <button
            key={item.value}
            type="button"
            aria-pressed={selected}
            onClick={() => onChange(item.value)}
            className={`rounded-full border px-3 py-1 text-sm transition ${
              selected ? "border-accent bg-accent/15 text-accent" : "border-line text-muted hover:text-fg"
            }`}
          >
            {item.label} <span className="tabular-nums">({counts[item.value]})</span>
          </button>
        );
      })}
    </div>
  );
}
