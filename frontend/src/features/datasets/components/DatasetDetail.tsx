import { FlaskConical } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import type { Dataset } from "../../../api/types";
import { buttonVariants } from "../../../components/ui/button";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { QueryView } from "../../../components/QueryView";
import { Notice } from "../../../components/States";
import { formatBytes } from "../../../lib/format";
import { formatDateTime } from "../../../lib/time";
import { DatasetProject } from "./DatasetProject";
import { useDatasetPreview, useDatasetStats } from "../../../api/hooks/datasets";
import { trainLink } from "../../../lib/links";
import { ColumnStatsTable } from "./ColumnStatsTable";
import { DeleteDatasetButton } from "./DeleteDatasetButton";
import { PreviewTable } from "./PreviewTable";
import { SuggestedTarget } from "./SuggestedTarget";

const TABS = [
  { id: "columns", label: "Columns" },
  { id: "preview", label: "Preview rows" },
] as const;
type Tab = (typeof TABS)[number]["id"];

function Facts({ dataset }: { dataset: Dataset }) {
  return (
    <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
      <div>
        <dt className="text-xs text-muted">Rows × columns</dt>
        <dd className="font-medium">
          {dataset.n_rows.toLocaleString()} × {dataset.n_cols}
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
  );
}

export function DatasetDetail({ dataset, onDeleted }: { dataset: Dataset; onDeleted: () => void }) {
  const [tab, setTab] = useState<Tab>("columns");
  const stats = useDatasetStats(dataset.id);
  const preview = useDatasetPreview(dataset.id);

  return (
    <div className="space-y-4">
      <Card>
        <CardHeader>
          <CardTitle>{dataset.name}</CardTitle>
          <CardAction>
            <div className="flex gap-2">
              <DeleteDatasetButton dataset={dataset} onDeleted={onDeleted} />
              <Link to={trainLink(dataset.id)} className={buttonVariants({ variant: "secondary" })}>
                <FlaskConical className="size-4" aria-hidden /> Train a model
              </Link>
            </div>
          </CardAction>
        </CardHeader>
        <CardContent>
          <div className="space-y-4">
            <Facts dataset={dataset} />
            <DatasetProject dataset={dataset} />
            <SuggestedTarget dataset={dataset} stats={stats.data} />
            {dataset.notes.length > 0 && (
              <Notice>
                <p className="mb-1 font-medium">What FlowML adjusted while reading the file</p>
                <ul className="list-inside list-disc space-y-0.5">
                  {dataset.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              </Notice>
            )}
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>{
          <div role="tablist" aria-label="Dataset views" className="flex gap-1">
            {TABS.map((item) => (
              <button
                key={item.id}
                id={`dataset-tab-${item.id}`}
                role="tab"
                type="button"
                aria-selected={tab === item.id}
                aria-controls={`dataset-panel-${item.id}`}
                onClick={() => setTab(item.id)}
                className={`rounded-md px-3 py-1 text-sm ${tab === item.id ? "bg-raised text-fg" : "text-muted hover:text-fg"}`}
              >
                {item.label}
              </button>
            ))}
          </div>
        }</CardTitle>
        </CardHeader>
        <CardContent>
          <div role="tabpanel" id={`dataset-panel-${tab}`} aria-labelledby={`dataset-tab-${tab}`}>
            {tab === "columns" && (
              <QueryView query={stats} loadingLabel="Profiling columns…">
                {(data) => <ColumnStatsTable columns={data.columns} target={data.target_candidates?.[0]?.name ?? null} nRows={dataset.n_rows} />}
              </QueryView>
            )}
            {tab === "preview" && (
              <QueryView query={preview} loadingLabel="Loading rows…">
                {(data) => <PreviewTable preview={data} />}
              </QueryView>
            )}
          </div>
        </CardContent>
      </Card>
    </div>
  );
}
