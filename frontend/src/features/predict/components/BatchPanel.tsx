import { FileSpreadsheet, LoaderCircle, Upload } from "lucide-react";
import { type DragEvent, useId, useState } from "react";
import type { Id } from "../../../api/types";
import { Card } from "../../../components/Card";
import { EmptyState } from "../../../components/States";
import { toast } from "../../../lib/toast";
import { ACCEPTED_EXTENSIONS, SUPPORTED_FORMATS, unsupportedFileMessage } from "../../datasets/formats";
import { useBatchPredict } from "../api";
import { BatchResultView } from "./BatchResultView";

/** Score a whole file: each row gets a prediction (and class probabilities); the answer downloads as CSV. */
export function BatchPanel({ modelId }: { modelId: Id }) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);
  const score = useBatchPredict(modelId);
  const busy = score.isPending;

  const send = (file: File) => {
    if (busy) return;
    // A PDF dropped by mistake is refused here rather than uploaded first.
    const unsupported = unsupportedFileMessage(file.name);
    if (unsupported) toast.error(unsupported);
    else score.mutate(file);
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) send(file);
  };

  return (
    <Card title="Score a file">
      <div className="space-y-4">
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
          <span className="font-medium">
            {busy ? `Scoring ${score.variables?.name ?? "the file"}…` : "Drop a file with rows to score, or click to choose one"}
          </span>
          <span className="text-xs text-muted">
            Same columns as the training data (the target column may be missing). {SUPPORTED_FORMATS.map((f) => f.label).join(", ")}.
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
        {score.data && score.variables && !busy ? (
          <BatchResultView result={score.data} source={score.variables.name} />
        ) : (
          !busy && (
            <EmptyState title="No file scored yet" icon={<FileSpreadsheet className="size-8" aria-hidden />}>
              The predictions come back as a CSV file with one row per input row, in the same order.
            </EmptyState>
          )
        )}
      </div>
    </Card>
  );
}
