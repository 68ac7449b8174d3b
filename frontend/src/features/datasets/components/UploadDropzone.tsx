import { FileUp, Upload } from "lucide-react";
import { type DragEvent, useId, useRef, useState } from "react";
import { ApiError } from "../../../api/client";
import type { Dataset } from "../../../api/types";
import { ProgressBar } from "../../../components/ProgressBar";
import { toast } from "../../../lib/toast";
import { useUploadDataset } from "../api";
import { needsTableChoice, tableNamesFromMessage } from "../tableChoice";
import { TablePicker } from "./TablePicker";

export const ACCEPTED_EXTENSIONS =
  ".csv,.tsv,.txt,.xlsx,.xls,.parquet,.pq,.feather,.arrow,.json,.jsonl,.ndjson,.yaml,.yml,.toml,.db,.sqlite,.sqlite3";

interface PendingTable {
  file: File;
  message: string;
  tables: string[];
}

export function UploadDropzone({ onUploaded }: { onUploaded: (dataset: Dataset) => void }) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState(0);
  const [pending, setPending] = useState<PendingTable | null>(null);
  const upload = useUploadDataset();

  const send = (file: File, table?: string) => {
    setProgress(0);
    setPending(null);
    upload.mutate(
      { file, table, onProgress: setProgress },
      {
        onSuccess: onUploaded,
        onError: (error) => {
          const status = error instanceof ApiError ? error.status : 0;
          if (needsTableChoice(status, file.name, error.message)) {
            setPending({ file, message: error.message, tables: tableNamesFromMessage(error.message) });
          } else {
            toast.error(error.message);
          }
        },
      },
    );
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) send(file);
  };

  return (
    <div className="space-y-3">
      <label
        htmlFor={inputId}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex cursor-pointer flex-col items-center gap-2 rounded-lg border-2 border-dashed px-6 py-8 text-center transition ${
          dragging ? "border-accent bg-accent/10" : "border-line hover:border-accent/60"
        }`}
      >
        {upload.isPending ? <FileUp className="size-8 text-accent" aria-hidden /> : <Upload className="size-8 text-muted" aria-hidden />}
        <span className="font-medium">
          {upload.isPending ? `Uploading ${upload.variables?.file.name ?? ""}…` : "Drop a data file here, or click to choose one"}
        </span>
        <span className="text-xs text-muted">CSV, Excel, Parquet, Feather, JSON, YAML, TOML or SQLite</span>
        <input
          ref={input}
          id={inputId}
          type="file"
          accept={ACCEPTED_EXTENSIONS}
          className="sr-only"
          disabled={upload.isPending}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) send(file);
            event.target.value = "";
          }}
        />
      </label>
      {upload.isPending && (
        <div className="space-y-1">
          <ProgressBar value={progress * 100} label="Upload progress" />
          <p className="text-xs text-muted">
            {progress < 1 ? `${Math.round(progress * 100)}% sent` : "Reading and profiling the file on the server…"}
          </p>
        </div>
      )}
      {pending && (
        <TablePicker
          fileName={pending.file.name}
          message={pending.message}
          tables={pending.tables}
          onPick={(table) => send(pending.file, table)}
          onCancel={() => setPending(null)}
        />
      )}
    </div>
  );
}
