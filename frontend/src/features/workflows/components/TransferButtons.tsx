import { Download, Upload } from "lucide-react";
import { useRef, useState, type ChangeEvent } from "react";
import { saveBlob } from "../../../api/download";
import { ApiError } from "../../../api/errors";
import { workflowsApi, type WorkflowGraph } from "../../../api/hooks/workflows";
import { Button } from "../../../components/ui/button";
import { exportName, graphToJson, parseImport } from "../transfer";

interface TransferProps {
  workflowId: string;
  name: string;
  graph: () => WorkflowGraph;
  readOnly: boolean;
  /** Saves pending edits, so the server's export is the graph on the canvas; false when the save failed. */
  saveFirst: () => Promise<boolean>;
  onImport: (graph: WorkflowGraph) => void;
  /** Says what happened (or went wrong) in the editor's notice line. */
  onNotice: (message: string) => void;
}

/** Export as JSON (written here), YAML or Python (the server's export), and import a JSON file onto the canvas. */
export function TransferButtons({ workflowId, name, graph, readOnly, saveFirst, onImport, onNotice }: TransferProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const exportJson = () => saveBlob(new Blob([graphToJson(graph())], { type: "application/json" }), exportName(name, "json"));
  const exportServer = async (format: "yaml" | "python") => {
    setBusy(true);
    try {
      if (!readOnly && !(await saveFirst())) return onNotice("Export skipped: the workflow could not be saved first.");
      await workflowsApi.download(workflowId, format, exportName(name, format === "yaml" ? "yaml" : "py"));
    } catch (cause) {
      onNotice(`Export failed: ${cause instanceof ApiError ? cause.message : "the server did not answer"}.`);
    } finally {
      setBusy(false);
    }
  };
  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    const parsed = parseImport(file.name, await file.text());
    if (!parsed.ok) return onNotice(`Not imported: ${parsed.error}`);
    onImport(parsed.graph);
    onNotice(`Imported ${file.name}: it replaces the canvas (Undo brings the previous graph back).`);
  };

  return (
    <>
      <Button variant="secondary" size="sm" onClick={exportJson} title="Download the graph as JSON" aria-label="Export JSON">
        <Download aria-hidden /> JSON
      </Button>
      <Button variant="secondary" size="sm" onClick={() => void exportServer("yaml")} disabled={busy} title="Download the saved workflow as YAML" aria-label="Export YAML">
        <Download aria-hidden /> YAML
      </Button>
      <Button variant="secondary" size="sm" onClick={() => void exportServer("python")} disabled={busy} title="Download the saved workflow as a Python script" aria-label="Export Python">
        <Download aria-hidden /> Python
      </Button>
      <Button variant="secondary" size="sm" onClick={() => fileInput.current?.click()} disabled={readOnly} title="Import a workflow JSON file (replaces the canvas)">
        <Upload aria-hidden /> Import
      </Button>
      <input
        ref={fileInput}
        type="file"
        accept=".json,.yaml,.yml,application/json"
        className="sr-only"
        tabIndex={-1}
        aria-label="Workflow file to import"
        data-testid="workflow-import"
        onChange={(event) => void importFile(event)}
      />
    </>
  );
}
