import { useQuery } from "@tanstack/react-query";
import { FileSpreadsheet, LoaderCircle, Upload } from "lucide-react";
import { type DragEvent, useId, useState } from "react";
import { queryKeys } from "../../../api/queryKeys";
import type { Id } from "../../../api/types";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { ProgressBar } from "../../../components/ProgressBar";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { toast } from "../../../lib/toast";
import { ACCEPTED_EXTENSIONS, SUPPORTED_FORMATS, unsupportedFileMessage } from "../../../lib/fileFormats";
import { fetchBatchResult, useBatchPredict, useBatchStatus, usePassThrough } from "../api";
import { batchProgress, initialKeep, toggleKeep } from "../batch";
import { BatchResultView } from "./BatchResultView";

/** Which columns of the file to copy into the scored file (an id by default, so rows join back), and whether to
 *  add explanation columns. */
function ScoreOptionsForm({
  columns,
  kept,
  onKeep,
  explain,
  onExplain,
  disabled,
  explainable,
}: {
  columns: string[];
  kept: string[];
  onKeep: (next: string[]) => void;
  explain: boolean;
  onExplain: (on: boolean) => void;
  disabled: boolean;
  /** False for a clustering model: a cluster has no contributions to explain it. */
  explainable: boolean;
}) {
  const idPrefix = useId();
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {columns.length > 0 && (
        <fieldset className="min-w-0 space-y-2" disabled={disabled}>
          <legend className="text-sm font-medium">Copy these columns into the scored file</legend>
          <p className="text-xs text-muted">So each scored row can be matched to its source row (an id column is picked for you).</p>
          <div className="flex max-h-40 flex-wrap gap-x-4 gap-y-1.5 overflow-y-auto">
            {columns.map((column) => (
              // The input inside its label names it: no id, which a column name with spaces would make invalid.
              <label key={column} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-[var(--accent)]"
                  checked={kept.includes(column)}
                  onChange={(event) => onKeep(toggleKeep(kept, column, event.target.checked, columns))}
                />
                {column}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {explainable && (
        <fieldset className="space-y-2" disabled={disabled}>
          <legend className="text-sm font-medium">Explanations</legend>
          <label className="flex items-start gap-2 text-sm" htmlFor={`${idPrefix}-explain`}>
            <input
              id={`${idPrefix}-explain`}
              type="checkbox"
              className="mt-0.5 size-4 accent-[var(--accent)]"
              checked={explain}
              onChange={(event) => onExplain(event.target.checked)}
            />
            <span>
              Explain each prediction
              <span className="block text-xs text-muted">
                Adds how much each column pushed the row&apos;s prediction up or down (contribution_&lt;column&gt;) and the top reasons in
                words. Scored on the server in the background; large files take a while.
              </span>
            </span>
          </label>
        </fieldset>
      )}
    </div>
  );
}

/** Score a whole file: each row gets a prediction (and class probabilities), optionally explanations; the answer
 *  downloads as CSV. A clustering model's file gets each row's cluster and its name instead. */
export function BatchPanel({ modelId, clustering = false }: { modelId: Id; clustering?: boolean }) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const [picked, setPicked] = useState<string[] | null>(null);
  const [explain, setExplain] = useState(false);
  const [upload, setUpload] = useState<string | null>(null);
  const passThrough = usePassThrough(modelId);
  const columns = passThrough.data?.columns ?? [];
  const kept = picked ?? initialKeep(columns, passThrough.data?.suggested ?? []);
  const score = useBatchPredict(modelId);
  const accepted = score.data?.kind === "accepted" ? score.data.batch : null;
  const status = useBatchStatus(modelId, accepted?.batch_id ?? null);
  const done = status.data?.state === "done" ? status.data : null;
  const explained = useQuery({
    queryKey: queryKeys.models.batchResult(modelId, done?.batch_id ?? ""),
    queryFn: () => fetchBatchResult(modelId, done?.batch_id ?? "", upload ?? "data", done?.warnings ?? []),
    enabled: done !== null && accepted !== null,
    staleTime: Infinity,
  });
  const running = accepted !== null && !status.isError && (status.data === undefined || status.data.state === "running");
  const busy = score.isPending || running;

  const send = (file: File) => {
    if (busy) return;
    // A PDF dropped by mistake is refused here rather than uploaded first.
    const unsupported = unsupportedFileMessage(file.name);
    if (unsupported) {
      toast.error(unsupported);
      return;
    }
    setUpload(file.name);
    score.mutate({ file, options: { keep: kept, explain: explain && !clustering } });
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) send(file);
  };

  const result = score.data?.kind === "done" ? score.data.result : (explained.data ?? null);
  const progress = status.data ? batchProgress(status.data) : 0;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Score a file</CardTitle>
      </CardHeader>
      <CardContent>
        <div className="space-y-4">
          <ScoreOptionsForm columns={columns} kept={kept} onKeep={setPicked} explain={explain} onExplain={setExplain} disabled={busy} explainable={!clustering} />
          <label
            htmlFor={inputId}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`flex cursor-pointer flex-col items-center gap-2 rounded-lg border-2 border-dashed px-6 py-6 text-center transition ${
              dragging ? "border-accent bg-accent/10" : "border-line hover:border-accent/60"
            }`}
          >
            {busy ? <LoaderCircle className="size-7 animate-spin text-accent" aria-hidden /> : <Upload className="size-7 text-muted" aria-hidden />}
            <span className="font-medium">{busy ? `Scoring ${upload ?? "the file"}…` : "Drop a file with rows to score, or click to choose one"}</span>
            <span className="text-xs text-muted">
              Same columns as the training data{clustering ? "" : " (the target column may be missing)"}. {SUPPORTED_FORMATS.map((f) => f.label).join(", ")}.
            </span>
            <input
              id={inputId}
              type="file"
              accept={ACCEPTED_EXTENSIONS}
              className="sr-only"
              aria-label="Choose a file to score"
              disabled={busy}
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) send(file);
                event.target.value = "";
              }}
            />
          </label>
          {running && status.data && (
            <div className="space-y-1.5" aria-live="polite">
              <ProgressBar value={progress} label="Explaining rows" />
              <p className="text-xs text-muted tabular-nums">
                Explained {status.data.rows_done.toLocaleString()} of {status.data.rows_total.toLocaleString()} rows ({progress}%).
              </p>
            </div>
          )}
          {status.data?.state === "failed" && <ErrorBanner message={`Scoring ${upload ?? "the file"} failed: ${status.data.error ?? "no reason given"}`} />}
          {status.isError && <ErrorBanner message={`The scoring status could not be read: ${status.error.message}`} />}
          {explained.isError && <ErrorBanner message={explained.error.message} />}
          {result && upload && !busy ? (
            <BatchResultView result={result} source={upload} />
          ) : (
            !busy &&
            status.data?.state !== "failed" && (
              <EmptyState title="No file scored yet" icon={<FileSpreadsheet className="size-8" aria-hidden />}>
                {clustering
                  ? "Each row's cluster (its id and name) comes back as a CSV file with one row per input row, in the same order."
                  : "The predictions come back as a CSV file with one row per input row, in the same order."}
              </EmptyState>
            )
          )}
        </div>
      </CardContent>
    </Card>
  );
}
