import type { AlgorithmInfo } from "../../../api/types";
import { groupByFamily } from "../algorithmGroups";
import { GpuBadge } from "./GpuBadge";

interface AlgorithmChecklistProps {
  algorithms: AlgorithmInfo[];
  selected: readonly string[];
  onChange: (names: readonly string[], checked: boolean) => void;
}

function AlgorithmRow({ algorithm, checked, onChange }: { algorithm: AlgorithmInfo; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="flex items-center gap-2 rounded-md border border-line px-3 py-2 text-sm hover:border-accent/60">
      <label className="flex min-w-0 flex-1 cursor-pointer items-center gap-2">
        <input
          type="checkbox"
          className="size-4 accent-[var(--accent)]"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span className="truncate">{algorithm.label}</span>
      </label>
      {algorithm.gpu_capable && <GpuBadge />}
    </div>
  );
}

/** Every algorithm the server offers for the task, grouped by family; all start selected. */
export function AlgorithmChecklist({ algorithms, selected, onChange }: AlgorithmChecklistProps) {
  const all = algorithms.map((item) => item.name);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3 text-xs">
        <button type="button" className="text-accent hover:underline" onClick={() => onChange(all, true)}>
          Select all
        </button>
        <button type="button" className="text-muted hover:underline" onClick={() => onChange(all, false)}>
          Clear all
        </button>
        <span className="text-muted" aria-live="polite">
          {selected.length} of {algorithms.length} selected
        </span>
      </div>
      {groupByFamily(algorithms).map((group) => {
        const names = group.algorithms.map((item) => item.name);
        const allChosen = names.every((name) => selected.includes(name));
        return (
          <fieldset key={group.family} className="space-y-2">
            <legend className="flex w-full flex-wrap items-baseline gap-x-2 text-sm">
              <span className="font-medium">{group.label}</span>
              {group.explain && <span className="text-xs text-muted">{group.explain}</span>}
              <button
                type="button"
                className="ml-auto text-xs text-accent hover:underline"
                aria-label={`${allChosen ? "Clear" : "Select"} all ${group.label}`}
                onClick={() => onChange(names, !allChosen)}
              >
                {allChosen ? "Clear group" : "Select group"}
              </button>
            </legend>
            <div className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
              {group.algorithms.map((algorithm) => (
                <AlgorithmRow
                  key={algorithm.name}
                  algorithm={algorithm}
                  checked={selected.includes(algorithm.name)}
                  onChange={(checked) => onChange([algorithm.name], checked)}
                />
              ))}
            </div>
          </fieldset>
        );
      })}
    </div>
  );
}
