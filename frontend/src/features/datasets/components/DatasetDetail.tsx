import { FlaskConical, Trash2 } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import type { Dataset } from "../../../api/types";
import { Button, primaryLinkClass } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { QueryView } from "../../../components/QueryView";
import { Notice } from "../../../components/States";
import { formatBytes } from "../../../lib/format";
import { formatDateTime } from "../../../lib/time";
import { useDatasetPreview, useDatasetStats, useDeleteDataset } from "../api";
import { ColumnStatsTable } from "./ColumnStatsTable";
import { PreviewTable } from "./PreviewTable";

type Tab = "columns" | "preview";

export function DatasetDetail({ dataset, onDeleted }: { dataset: Dataset; onDeleted: () => void }) {
  const [tab, setTab] = useState<Tab>("columns");
  const stats = useDatasetStats(dataset.id);
  const preview = useDatasetPreview(dataset.id);
  const remove = useDeleteDataset();

  const onDelete = () => {
    if (window.confirm(`Delete "${dataset.name}"? Models trained on it are kept.`)) {
      remove.mutate(dataset.id, { onSuccess: onDeleted });
    }
  };

  return (
    <div className="space-y-4">
      <Card
        title={dataset.name}
        actions={
          <div className="flex gap-2">
            <Button variant="danger" icon={<Trash2 className="size-4" aria-hidden />} onClick={onDelete} disabled={remove.isPending}>
              Delete
            </Button>
            <Link to={`/train?dataset=${dataset.id}`} className={primaryLinkClass}>
              <FlaskConical className="size-4" aria-hidden /> Train a model
            </Link>
          </div>
        }
      >
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-xs text-muted">Rows × columns</dt>
            <dd className="font-medium">
              {dataset.n_rows.toLocaleString()} × {dataset.n_cols}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Suggested target</dt>
            <dd className="font-medium">
              {dataset.suggested_target ?? "—"}
              {dataset.suggested_problem_type && <span className="text-muted"> ({dataset.suggested_problem_type})</span>}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-muted">File</dt>
            <dd className="font-medium">
              {dataset.file_format} · {formatBytes(dataset.size_bytes)}
              {dataset.table_name && <span className="text-muted"> · table {dataset.table_name}</span>}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-muted">Uploaded</dt>
            <dd className="font-medium">{formatDateTime(dataset.created_at)}</dd>
          </div>
        </dl>
        {dataset.notes.length > 0 && (
          <div className="mt-4">
            <Notice>
              <ul className="list-inside list-disc space-y-0.5">
                {dataset.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </Notice>
          </div>
        )}
      </Card>

      <Card
        title={
          <div role="tablist" className="flex gap-1">
            {(["columns", "preview"] as const).map((name) => (
              <button
                key={name}
                role="tab"
                type="button"
                aria-selected={tab === name}
                onClick={() => setTab(name)}
                className={`rounded-md px-3 py-1 text-sm capitalize ${tab === name ? "bg-raised text-fg" : "text-muted hover:text-fg"}`}
              >
                {name}
              </button>
            ))}
          </div>
        }
      >
        {tab === "columns" && (
          <QueryView query={stats} loadingLabel="Profiling columns…">
            {(data) => <ColumnStatsTable columns={data.columns} target={dataset.suggested_target} />}
          </QueryView>
        )}
        {tab === "preview" && <QueryView query={preview}>{(data) => <PreviewTable preview={data} />}</QueryView>}
      </Card>
    </div>
  );
}
