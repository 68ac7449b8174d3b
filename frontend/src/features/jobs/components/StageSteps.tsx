import { Check } from "lucide-react";
import type { Job } from "../../../api/types";
import { STAGES, stageIndex } from "../../../lib/jobTiming";

/**
 * The job's stages as a row of steps: done ones ticked, the current one highlighted. Meant for queued, running and
 * completed jobs; a failed or cancelled job says so instead (its stage no longer tells where it stopped).
 */
export function StageSteps({ job }: { job: Job }) {
  const current = stageIndex(job);
  const completed = job.status === "completed";
  return (
    <ol className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs" aria-label="Job stages">
      {STAGES.map((item, index) => {
        const done = index < current || completed;
        const here = index === current && !done;
        const tone = done ? "text-ok" : here ? "font-semibold text-accent" : "text-muted";
        return (
          <li key={item.stage} className={`flex items-center gap-1.5 ${tone}`} aria-current={here ? "step" : undefined}>
            {index > 0 && (
              <span className="text-muted" aria-hidden>
                ›
              </span>
            )}
            {done && <Check className="size-3.5" aria-hidden />}
            {here && <span className="size-2 animate-pulse rounded-full bg-accent" aria-hidden />}
            {item.label}
          </li>
        );
      })}
    </ol>
  );
}
