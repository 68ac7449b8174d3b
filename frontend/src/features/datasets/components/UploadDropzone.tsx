import { FileUp, Upload } from "lucide-react";
import { type DragEvent, useId, useRef, useState } from "react";
import { ApiError } from "../../../api/client";
import type { Dataset } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { ProgressBar } from "../../../components/ProgressBar";
import { ErrorBanner } from "../../../components/States";
import { useUploadDataset } from "../../../api/hooks/datasets";
import { ACCEPTED_EXTENSIONS, SUPPORTED_FORMATS, unsupportedFileMessage } from "../../../lib/fileFormats";
import { needsTableChoice, tableNamesFromMessage } from "../tableChoice";
import { TablePicker } from "./TablePicker";

// Kept for features/predict's BatchPanel, which imports it from here; formats.ts is its home now.
export { ACCEPTED_EXTENSIONS } from "../../../lib/fileFormats";

interface PendingTable {
  file: File;
  message: string;
  tables: string[];
}

interface Failure {
  fileName: string;
  message: string;
}

function FormatList() {
  return (
    <span className="text-xs text-muted">
      {SUPPORTED_FORMATS.map((format, index) => (
        <span key={format.label} title={format.extensions.join(" ")}>
          {index > 0 && ", "}
          {format.label}
        </span>
      ))}
    </span>
  );
}

/** `projectId`: the project the upload is shared in ("" or none: private). */
export function UploadDropzone({ onUploaded, projectId = "" }: { onUploaded: (dataset: Dataset) => void; projectId?: string }) {
  const inputId = useId();
  const abort = useRef<AbortController | null>(null);
  // Counted, not a flag: dragging over the zone's own children fires dragleave on the zone.
  const [dragDepth, setDragDepth] = useState(0);
  const [progress, setProgress] = useState(0);
  const [pending, setPending] = useState<PendingTable | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const upload = useUploadDataset();

  const send = (file: File, table?: string) => {
    setPending(null);
    setFailure(null);
    const unsupported = unsupportedFileMessage(file.name);
    if (unsupported) {
      setFailure({ fileName: file.name, message: unsupported });
      return;
    }
    setProgress(0);
    const controller = new AbortController();
    abort.current = controller;
    upload.mutate(
      { file, table, project_id: projectId || undefined, onProgress: setProgress, signal: controller.signal },
      {
        onSuccess: onUploaded,
        onError: (error) => {
          if (controller.signal.aborted) return; // the user cancelled: nothing to explain
          const status = error instanceof ApiError ? error.status : 0;
          if (needsTableChoice(status, file.name, error.message)) {
            setPending({ file, message: error.message, tables: tableNamesFromMessage(error.message) });
          } else {
            setFailure({ fileName: file.name, message: error.message });
          }
        },
      },
    );
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragDepth(0);
    if (upload.isPending) return;
    const file = event.dataTransfer.files[0];
    if (file) send(file);
  };

  return (
    <div className="space-y-3">
      <label
        htmlFor={inputId}
        onDragEnter={(event) => {
          event.preventDefault();
          setDragDepth((depth) => depth + 1);
        }}
        onDragOver={(event) => event.preventDefault()}
        onDragLeave={() => setDragDepth((depth) => Math.max(0, depth - 1))}
        onDrop={onDrop}
        className={`flex cursor-pointer flex-col items-center gap-2 rounded-lg border-2 border-dashed px-6 py-8 text-center transition
          focus-within:ring-2 focus-within:ring-accent/40 ${dragDepth > 0 ? "border-accent bg-accent/10" : "border-line hover:border-accent/60"}`}
      >
        {upload.isPending ? <FileUp className="size-8 text-accent" aria-hidden /> : <Upload className="size-8 text-muted" aria-hidden />}
        <span className="font-medium">
          {upload.isPending ? `Uploading ${upload.variables?.file.name ?? ""}…` : "Drop a data file here, or click to choose one"}
        </span>
        <FormatList />
        <input
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
          <div className="flex items-center justify-between gap-2">
            <p className="text-xs text-muted" aria-live="polite">
              {progress < 1 ? `${Math.round(progress * 100)}% sent` : "Reading and profiling the file on the server…"}
            </p>
            <Button variant="ghost" className="px-2 py-1 text-xs" onClick={() => abort.current?.abort()}>
              Cancel upload
            </Button>
          </div>
        </div>
      )}
      {failure && <ErrorBanner message={`Could not upload ${failure.fileName}: ${failure.message}`} />}
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
