import { Database } from "lucide-react";
import type { Dataset } from "../../../api/types";
import { formatBytes } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";

interface DatasetListProps {
  datasets: Dataset[];
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}

export function DatasetList({ datasets, selectedId, onSelect }: DatasetListProps) {
  return (
    <ul className="divide-y divide-line" aria-label="Datasets">
      {datasets.map((dataset) => {
        const selected = dataset.id === selectedId;
        return (
          <li key={dataset.id}>
            <button
              type="button"
              onClick={() => onSelect(dataset.id)}
              aria-current={selected ? "true" : undefined}
              className={`flex w-full items-start gap-3 rounded-md px-3 py-2.5 text-left transition ${
                selected ? "bg-accent/15" : "hover:bg-raised"
              }`}
            >
              <Database className={`mt-0.5 size-4 shrink-0 ${selected ? "text-accent" : "text-muted"}`} aria-hidden />
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm font-medium">{dataset.name}</span>
                <span className="block text-xs text-muted">
                  {dataset.n_rows.toLocaleString()} rows · {dataset.n_cols} cols · {dataset.file_format} ·{" "}
                  {formatBytes(dataset.size_bytes)} · {formatAgo(dataset.created_at)}
                </span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
