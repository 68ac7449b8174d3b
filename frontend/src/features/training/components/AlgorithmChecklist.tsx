import type { AlgorithmInfo, ProblemType } from "../../../api/types";
import { useWorkersGlance } from "../../../api/hooks/workers";
import { Badge } from "../../../components/ui/badge";
import { groupByFamily } from "../algorithmGroups";
import { isPlugin, originText } from "../algorithmDetails";
import { AlgorithmDetails } from "./AlgorithmDetails";
import { clusterHasGpu } from "../gpu";
import { GPU_EXPLAIN, GPU_NOTE_ID, GpuBadge } from "./GpuBadge";

/** Whether a GPU worker exists: asked from the worker list once a minute (the Workers page polls it faster). */
function useGpuAvailable(): boolean {
  return clusterHasGpu(useWorkersGlance().data);
}

interface AlgorithmChecklistProps {
  algorithms: AlgorithmInfo[];
  /** The task the form trains for (undefined until it is known): the details show its search space first. */
  task: ProblemType | undefined;
  selected: readonly string[];
  onChange: (names: readonly string[], checked: boolean) => void;
}

interface AlgorithmRowProps {
  algorithm: AlgorithmInfo;
  checked: boolean;
  gpuBadge: boolean;
  onChange: (checked: boolean) => void;
}

function AlgorithmRow({ algorithm, checked, gpuBadge, onChange }: AlgorithmRowProps) {
  return (
    <div className="flex items-center gap-2 rounded-md border border-line px-3 py-2 text-sm hover:border-accent/60">
      <label className="flex min-w-0 flex-1 cursor-pointer items-center gap-2">
        <input
          type="checkbox"
          className="size-4 shrink-0 accent-[var(--accent)]"
          checked={checked}
          aria-describedby={gpuBadge ? GPU_NOTE_ID : undefined}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span className="truncate">{algorithm.label}</span>
      </label>
      {isPlugin(algorithm.origin) && (
        <Badge variant="outline" className="shrink-0" title={originText(algorithm.origin)}>
          Plugin
        </Badge>
      )}
      {gpuBadge && <GpuBadge />}
    </div>
  );
}

/** Every algorithm the server offers for the task, grouped by family; all start selected. */
export function AlgorithmChecklist({ algorithms, task, selected, onChange }: AlgorithmChecklistProps) {
  const all = algorithms.map((item) => item.name);
  // GPU badges only where a GPU exists: on a CPU-only server they would promise something that cannot happen.
  const gpu = useGpuAvailable();
  const anyGpuBadge = gpu && algorithms.some((item) => item.gpu !== null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3 text-xs">
        <button type="button" className="min-h-6 text-accent hover:underline" onClick={() => onChange(all, true)}>
          Select all
        </button>
        <button type="button" className="min-h-6 text-muted hover:underline" onClick={() => onChange(all, false)}>
          Clear all
        </button>
        <span className="text-muted" aria-live="polite">
          {selected.length} of {algorithms.length} selected
        </span>
        <AlgorithmDetails algorithms={algorithms} task={task} />
      </div>
      {groupByFamily(algorithms).map((group) => {
        const names = group.algorithms.map((item) => item.name);
        const allChosen = names.every((name) => selected.includes(name));
        return (
          <fieldset key={group.family} className="space-y-2">
            <legend className="flex w-full flex-wrap items-baseline gap-x-2 text-sm">
              <span className="font-medium">{group.label}</span>
              {group.explain && <span className="text-xs text-muted">{group.explain}</span>}
              {/* A one-algorithm family needs no group toggle: its checkbox is the toggle, and the Tab path
                  from the target to Start stays short. */}
              {names.length > 1 && (
                <button
                  type="button"
                  className="ml-auto min-h-6 text-xs text-accent hover:underline"
                  onClick={() => onChange(names, !allChosen)}
                >
                  {allChosen ? "Clear group" : "Select group"}
                  <span className="sr-only"> {group.label}</span>
                </button>
              )}
            </legend>
            <div className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
              {group.algorithms.map((algorithm) => (
                <AlgorithmRow
                  key={algorithm.name}
                  algorithm={algorithm}
                  checked={selected.includes(algorithm.name)}
                  gpuBadge={gpu && algorithm.gpu !== null}
                  onChange={(checked) => onChange([algorithm.name], checked)}
                />
              ))}
            </div>
          </fieldset>
        );
      })}
      {anyGpuBadge && (
        <p id={GPU_NOTE_ID} className="text-xs text-muted">
          GPU: {GPU_EXPLAIN}
        </p>
      )}
    </div>
  );
}
