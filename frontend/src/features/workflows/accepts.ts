import type { NodeSpec, PortType } from "../../api/hooks/workflows";

/**
 * Which output may feed which input: the server's one rule, mirrored from backend/flowml/workflows/ports.py
 * (`accepts`) so the canvas refuses a wrong edge while it is drawn. Equal types connect; a `train` or `test` output
 * also feeds a `table` input (a split half is still a table). The server's /validate stays the authority.
 */
export function accepts(input: PortType, output: PortType): boolean {
  if (input === output) return true;
  return input === "table" && (output === "train" || output === "test");
}

/** The port types of a node type's handles, from the catalogue. */
export function portType(spec: NodeSpec | undefined, handle: string | null | undefined, side: "in" | "out"): PortType | undefined {
  const ports = side === "in" ? spec?.inputs : spec?.outputs;
  return ports?.find((port) => port.name === handle)?.type;
}

export interface Attempt {
  source: NodeSpec | undefined;
  sourceHandle: string | null | undefined;
  target: NodeSpec | undefined;
  targetHandle: string | null | undefined;
  sameNode: boolean;
}

/** Why an edge may not be drawn (a short sentence for the status line), or null when it may. */
export function connectionProblem(attempt: Attempt): string | null {
  if (attempt.sameNode) return "a node cannot feed itself";
  const output = portType(attempt.source, attempt.sourceHandle, "out");
  const input = portType(attempt.target, attempt.targetHandle, "in");
  if (!output || !input) return "connect an output (right side) to an input (left side)";
  if (!accepts(input, output)) return `a ${output} output cannot feed a ${input} input`;
  return null;
}
