import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { PortSpec } from "../../../api/hooks/workflows";
import { cn } from "../../../lib/cn";
import { useCanvasFacts } from "../context";
import type { StepNode as StepNodeType } from "../graph";
import { LIGHT_LABELS, LIGHT_TONES, lightOf } from "../runState";

/** Where the n-th of `count` handles sits along the node's side, as a share of its height. */
const offset = (index: number, count: number) => `${((index + 1) / (count + 1)) * 100}%`;

function Ports({ ports, side }: { ports: PortSpec[]; side: "in" | "out" }) {
  return ports.map((port, index) => {
    const name = `${port.name} ${side === "in" ? "input" : "output"}`;
    return (
      <Handle
        key={port.name}
        id={port.name}
        type={side === "in" ? "target" : "source"}
        position={side === "in" ? Position.Left : Position.Right}
        style={{ top: offset(index, ports.length) }}
        className="!size-3 !border-2 !border-surface !bg-accent"
        title={`${name} (${port.type}${port.required ? ", required" : ""})${port.description ? `: ${port.description}` : ""}`}
        aria-label={name}
        role="img"
      />
    );
  });
}

/** One step of the workflow: its label and type, a status light (its state in the shown run, as a word too), a
 * handle per port and the errors the last validation placed on it. */
export const StepNode = memo(function StepNode({ id, type, data, selected }: NodeProps<StepNodeType>) {
  const { specs, errors, run } = useCanvasFacts();
  const spec = specs.get(type);
  const problems = errors.get(id) ?? [];
  const light = lightOf(run, id);
  const state = run?.nodes[id];
  const progress = light === "running" && typeof state?.progress === "number" ? ` ${Math.round(state.progress)}%` : "";
  return (
    <div
      className={cn(
        "w-52 rounded-lg border bg-surface px-3 py-2 text-fg shadow-sm",
        problems.length > 0 ? "border-danger ring-1 ring-danger" : selected ? "border-accent ring-1 ring-accent" : "border-line",
      )}
      data-invalid={problems.length > 0 || undefined}
    >
      {spec && <Ports ports={spec.inputs} side="in" />}
      <div className="flex items-center justify-between gap-2">
        <span className="truncate text-sm font-semibold">{data.label || spec?.label || type}</span>
        <span
          className="flex shrink-0 items-center gap-1 text-xs text-muted"
          // An image with a name: one announcement per node when read, not a live region per node while a run goes.
          role="img"
          aria-label={`Status of ${id}: ${LIGHT_LABELS[light]}${progress}`}
          title={state?.error ? `${LIGHT_LABELS[light]}: ${state.error}` : `Status: ${LIGHT_LABELS[light]}`}
          data-testid={`node-status-${id}`}
          data-status={light}
        >
          <span className={cn("size-2 rounded-full", LIGHT_TONES[light])} aria-hidden />
          {LIGHT_LABELS[light]}
          {progress}
        </span>
      </div>
      <div className="text-xs text-muted">
        {type} · {id}
      </div>
      {state?.error && (light === "failed" || light === "skipped" || light === "cancelled") && (
        <p className="mt-1 line-clamp-2 text-xs text-danger">{state.error}</p>
      )}
      {problems.length > 0 && (
        <ul className="mt-1 space-y-0.5 text-xs text-danger" aria-label={`Problems of ${id}`}>
          {problems.map((problem, index) => (
            <li key={index}>
              {problem.field ? <strong>{problem.field}: </strong> : null}
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      {spec && <Ports ports={spec.outputs} side="out" />}
    </div>
  );
});
