import { History as HistoryIcon, RotateCcw } from "lucide-react";
import { useRuns } from "../../../api/hooks/workflowRuns";
import { useWorkflowVersions } from "../../../api/hooks/workflows";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { formatDateTime } from "../../../lib/time";

interface HistoryProps {
  workflowId: string;
  currentVersion: number;
  readOnly: boolean;
  restoring: boolean;
  onRestore: (version: number) => void;
  /** The run the canvas shows, when one was picked here; null while it follows the newest. */
  pickedRunId: string | null;
  shownRunId: string | null;
  onPickRun: (runId: string | null) => void;
}

/** Earlier versions of the graph (restore one, after asking) and earlier runs (show one's states on the canvas). */
export function HistoryPanel({ workflowId, currentVersion, readOnly, restoring, onRestore, pickedRunId, shownRunId, onPickRun }: HistoryProps) {
  const versions = useWorkflowVersions(workflowId, true);
  const runs = useRuns(workflowId);
  return (
    <div className="space-y-4">
      <section aria-labelledby="versions-title" className="space-y-1">
        <h2 id="versions-title" className="flex items-center gap-1 text-sm font-semibold">
          <HistoryIcon className="size-4" aria-hidden /> Versions
        </h2>
        <p className="text-xs text-muted">Now at version {currentVersion}. Restoring saves that graph as a new version.</p>
        {versions.error && <p className="text-xs text-danger">{versions.error.message}</p>}
        {versions.data?.length === 0 && <p className="text-xs text-muted">No earlier versions yet.</p>}
        <ul className="space-y-1" data-testid="version-list">
          {versions.data?.map((item) => (
            <li key={item.version} className="flex items-center gap-2 text-xs">
              <span className="font-medium">v{item.version}</span>
              <span className="text-muted">
                {formatDateTime(item.created_at)} · {item.nodes} nodes
              </span>
              {!readOnly && (
                <ConfirmAction
                  label="Restore"
                  hiddenLabel={`version ${item.version}`}
                  icon={<RotateCcw aria-hidden />}
                  size="sm"
                  className="ml-auto h-7 px-2 text-xs"
                  pending={restoring}
                  title={`Restore version ${item.version}?`}
                  description="The canvas is replaced by that graph and saved as a new version; the current graph stays in the history."
                  confirmLabel="Restore"
                  dismissLabel="Keep the current graph"
                  onConfirm={() => onRestore(item.version)}
                />
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="runs-title" className="space-y-1">
        <h2 id="runs-title" className="text-sm font-semibold">
          Runs
        </h2>
        {runs.error && <p className="text-xs text-danger">{runs.error.message}</p>}
        {runs.data?.items.length === 0 && <p className="text-xs text-muted">Not run yet.</p>}
        <ul className="space-y-1" data-testid="run-list">
          {runs.data?.items.map((run, index) => {
            const shown = run.id === shownRunId;
            return (
              <li key={run.id}>
                <button
                  type="button"
                  aria-pressed={shown}
                  className={`w-full rounded px-2 py-1 text-left text-xs hover:bg-raised ${shown ? "bg-raised ring-1 ring-accent" : ""}`}
                  // The newest run again means "follow the newest": a run started later shows by itself.
                  onClick={() => onPickRun(index === 0 ? null : run.id)}
                >
                  <span className="font-medium">{run.status}</span> · v{run.workflow_version} · {formatDateTime(run.created_at)}
                  {index === 0 && <span className="text-muted"> (latest)</span>}
                  {run.error && <span className="block truncate text-danger">{run.error}</span>}
                </button>
              </li>
            );
          })}
        </ul>
        {pickedRunId && (
          <button type="button" className="text-xs text-accent hover:underline" onClick={() => onPickRun(null)}>
            Show the latest run
          </button>
        )}
      </section>
    </div>
  );
}
