import { Cpu } from "lucide-react";
import type { AlgorithmInfo } from "../../../api/types";

interface AlgorithmChecklistProps {
  algorithms: AlgorithmInfo[];
  selected: readonly string[];
  onChange: (name: string, checked: boolean) => void;
  onAll: (checked: boolean) => void;
}

export function AlgorithmChecklist({ algorithms, selected, onChange, onAll }: AlgorithmChecklistProps) {
  return (
    <div className="space-y-2">
      <div className="flex gap-3 text-xs">
        <button type="button" className="text-accent hover:underline" onClick={() => onAll(true)}>
          Select all
        </button>
        <button type="button" className="text-muted hover:underline" onClick={() => onAll(false)}>
          Clear
        </button>
        <span className="text-muted">
          {selected.length} of {algorithms.length} selected
        </span>
      </div>
      <div className="grid gap-2 sm:grid-cols-2 xl:grid-cols-3">
        {algorithms.map((algorithm) => (
          <label
            key={algorithm.name}
            className="flex cursor-pointer items-center gap-2 rounded-md border border-line px-3 py-2 text-sm hover:border-accent/60"
          >
            <input
              type="checkbox"
              className="size-4 accent-[var(--accent)]"
              checked={selected.includes(algorithm.name)}
              onChange={(event) => onChange(algorithm.name, event.target.checked)}
            />
            <span className="min-w-0 flex-1">
              <span className="block truncate">{algorithm.label}</span>
              <span className="text-xs text-muted">{algorithm.family}</span>
            </span>
            {algorithm.gpu_capable && (
              <span title="Can use a GPU worker">
                <Cpu className="size-4 text-muted" aria-label="GPU capable" />
              </span>
            )}
          </label>
        ))}
      </div>
    </div>
  );
}
