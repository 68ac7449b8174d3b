import type { NodeRunState } from "../../../api/hooks/workflowRuns";
import type { NodeType } from "../../../api/hooks/workflows";
import { formatDateTime, parseUtc } from "../../../lib/time";
import { formatDuration } from "../../../lib/format";
import type { Direction, EvaluationRow } from "../figureData";
import { LIGHT_LABELS } from "../runState";
import { FigureChart } from "./FigureChart";
import { ModelOutput, type ModelSummary } from "./ModelOutput";
import { EvaluationOutput, TableOutput, type TableSummary } from "./OutputTables";

interface OutputsProps {
  nodeId: string;
  type: NodeType;
  state: NodeRunState | undefined;
  /** Whether the run is still going: the model's leaderboard then refreshes itself too. */
  live: boolean;
  direction: Direction;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function seconds(state: NodeRunState): number | null {
  const start = parseUtc(state.started_at);
  const end = parseUtc(state.finished_at);
  return start !== null && end !== null ? (end - start) / 1000 : null;
}

/** What one node's run produced, by node type (docs/workflows.md "States"). */
function Outputs({ type, outputs, state, live, direction }: { type: NodeType; outputs: Record<string, unknown>; state: NodeRunState; live: boolean; direction: Direction }) {
  switch (type) {
    case "dataset":
      return (
        <div className="space-y-1">
          <TableOutput title={`Dataset${typeof outputs.problem === "string" ? ` (${outputs.problem})` : ""}`} table={outputs as TableSummary} />
          {Array.isArray(outputs.notes) && outputs.notes.length > 0 && (
            <ul className="list-disc pl-4 text-xs text-muted">
              {outputs.notes.map((note, index) => (
                <li key={index}>{String(note)}</li>
              ))}
            </ul>
          )}
        </div>
      );
    case "split":
    case "preprocessing":
      return (
        <div className="space-y-3">
          {isObject(outputs.train) && <TableOutput title="Train rows" table={outputs.train as TableSummary} />}
          {isObject(outputs.test) && <TableOutput title="Test rows" table={outputs.test as TableSummary} />}
          {isObject(outputs.dropped) && Object.keys(outputs.dropped).length > 0 && (
            <section className="text-xs" aria-label="Dropped columns">
              <h4 className="font-semibold">Dropped columns</h4>
              <ul className="text-muted">
                {Object.entries(outputs.dropped).map(([column, why]) => (
                  <li key={column}>
                    {column}: {String(why)}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      );
    case "model":
      return <ModelOutput summary={outputs as ModelSummary} jobId={state.job_id} live={live} />;
    case "evaluation":
      return <EvaluationOutput rows={Array.isArray(outputs.table) ? (outputs.table as EvaluationRow[]) : []} direction={direction} />;
    case "visualization":
      return <FigureChart figure={outputs.figure} />;
    case "deploy":
      return (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs">
          {Object.entries(outputs).map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="text-muted">{key}</dt>
              <dd className="break-all">{String(value)}</dd>
            </div>
          ))}
        </dl>
      );
  }
}

/** The selected node's run: status, timing, error, and its outputs. */
export function NodeOutputs({ nodeId, type, state, live, direction }: OutputsProps) {
  if (!state) {
    return <p className="text-sm text-muted">{live ? `${nodeId} is waiting for its turn.` : `${nodeId} has not run yet. Press Run to run the workflow.`}</p>;
  }
  const took = seconds(state);
  // A model node's search fills its leaderboard while it runs: show that before any outputs exist.
  const hasOutputs = Object.keys(state.outputs).length > 0 || (type === "model" && state.job_id);
  return (
    <section className="space-y-3" aria-label={`Outputs of ${nodeId}`} data-testid="node-outputs">
      <p className="text-xs text-muted">
        <strong className="text-fg">{LIGHT_LABELS[state.status]}</strong>
        {state.status === "running" && typeof state.progress === "number" ? ` · ${Math.round(state.progress)}%` : ""}
        {state.started_at ? ` · started ${formatDateTime(state.started_at)}` : ""}
        {took !== null ? ` · took ${formatDuration(took)}` : ""}
      </p>
      {state.error && (
        <p className="text-sm text-danger" role="alert" data-testid="node-error">
          {state.error}
        </p>
      )}
      {hasOutputs && <Outputs type={type} outputs={state.outputs} state={state} live={live} direction={direction} />}
    </section>
  );
}
