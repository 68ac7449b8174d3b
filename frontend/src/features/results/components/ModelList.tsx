import { ArrowDown, ArrowUp, ArrowUpDown, Search } from "lucide-react";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import type { Model } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { Badge } from "../../../components/ui/badge";
import { formatNumber } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";
import { useLabels } from "../../../api/hooks/catalogue";
import { onnxStatus } from "../card";
import { filterModels, type ModelSort, type ModelSortKey, nextModelSort, sortModels } from "../models";
import { ScrollRegion } from "../../../components/ScrollRegion";

const COLUMNS: { key: ModelSortKey; label: string; numeric?: boolean }[] = [
  { key: "algorithm", label: "Model" },
  { key: "target", label: "Predicts" },
  { key: "score", label: "Score", numeric: true },
  { key: "created", label: "Trained" },
];

function HeaderCell({ column, sort, onSort }: { column: (typeof COLUMNS)[number]; sort: ModelSort; onSort: (key: ModelSortKey) => void }) {
  const active = sort.key === column.key;
  const Icon = !active ? ArrowUpDown : sort.direction === "asc" ? ArrowUp : ArrowDown;
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.direction === "asc" ? "ascending" : "descending") : "none"}
      className={`py-2 pr-4 font-medium ${column.numeric ? "text-right" : ""}`}
    >
      <button type="button" onClick={() => onSort(column.key)} className={`inline-flex items-center gap-1 uppercase hover:text-fg ${active ? "text-fg" : ""}`}>
        {column.label}
        <Icon className="size-3.5" aria-hidden />
      </button>
    </th>
  );
}

/** Ticked models (in picking order) and how to tick one: the Models page's "Compare" selection. */
export interface ModelSelection {
  selected: readonly string[];
  onToggle: (id: string) => void;
}

/** `searchable: false` when the page searches on the server already (the Models page's filter bar). */
export function ModelList({ models, selection, searchable = true }: { models: Model[]; selection?: ModelSelection; searchable?: boolean }) {
  const [text, setText] = useState("");
  const [sort, setSort] = useState<ModelSort>({ key: "created", direction: "desc" });
  const rows = useMemo(() => sortModels(filterModels(models, text), sort), [models, text, sort]);
  const labels = useLabels();
  return (
    <div className="space-y-3">
      {searchable && (
        <label className="relative block max-w-sm">
          <span className="sr-only">Filter models</span>
          <Search className="pointer-events-none absolute top-2.5 left-3 size-4 text-muted" aria-hidden />
          <input className="input pl-9" type="search" placeholder="Filter by algorithm, target, metric…" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      )}
      {rows.length === 0 ? (
        <EmptyState title="No model matches the filter" />
      ) : (
        <ScrollRegion label="Models" className="overflow-x-auto">
          <table className="w-full text-sm" aria-label="Models">
            <thead className="text-left text-xs text-muted">
              <tr>
                {selection && (
                  <th scope="col" className="w-8 py-2 pr-2">
                    <span className="sr-only">Pick to compare</span>
                  </th>
                )}
                {COLUMNS.map((column) => (
                  <HeaderCell key={column.key} column={column} sort={sort} onSort={(key) => setSort((current) => nextModelSort(current, key))} />
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {rows.map((model) => (
                <tr key={model.id} className="hover:bg-raised/50">
                  {selection && (
                    <td className="py-2 pr-2">
                      <input
                        type="checkbox"
                        className="size-4 accent-[var(--accent)]"
                        checked={selection.selected.includes(model.id)}
                        onChange={() => selection.onToggle(model.id)}
                        aria-label={`Pick ${model.display_name} (${model.id.slice(0, 8)}) to compare`}
                      />
                    </td>
                  )}
                  <td className="py-2 pr-4">
                    <Link to={`/models/${model.id}`} className="font-medium text-accent hover:underline">
                      {model.display_name}
                    </Link>
                    {onnxStatus(model.card).available && (
                      <Badge variant="outline" className="ml-2" title="An ONNX file can be downloaded">
                        ONNX
                      </Badge>
                    )}
                    <span className="block text-xs text-muted">{model.id.slice(0, 8)}</span>
                  </td>
                  <td className="py-2 pr-4">
                    {model.target ?? "groups"} <span className="text-xs text-muted">({model.problem_type})</span>
                  </td>
                  <td className="py-2 pr-4 text-right tabular-nums">
                    {formatNumber(model.cv_score)} <span className="text-xs text-muted">{labels.metric(model.metric)}</span>
                  </td>
                  <td className="py-2 text-muted">{formatAgo(model.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </div>
  );
}
