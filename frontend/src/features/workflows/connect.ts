// The keyboard way to draw an edge: from the selected node's outputs, which nodes and inputs may take it, by the
// same port rule the canvas asks while an edge is dragged (accepts.ts). Pure.
import type { Edge } from "@xyflow/react";
import type { NodeSpec, NodeType, PortSpec } from "../../api/hooks/workflows";
import { accepts } from "./accepts";
import type { StepNode } from "./graph";

export interface TargetChoice {
  nodeId: string;
  label: string;
  inputs: PortSpec[];
}

/** Every other node with at least one input that accepts `output`, and those inputs; already drawn edges left out. */
export function connectTargets(
  sourceId: string,
  output: PortSpec,
  nodes: readonly StepNode[],
  edges: readonly Edge[],
  specs: ReadonlyMap<NodeType, NodeSpec>,
): TargetChoice[] {
  const drawn = new Set(edges.map((edge) => `${edge.source}.${edge.sourceHandle}-${edge.target}.${edge.targetHandle}`));
  const choices: TargetChoice[] = [];
  for (const node of nodes) {
    if (node.id === sourceId) continue;
    const spec = node.type ? specs.get(node.type) : undefined;
    const inputs = (spec?.inputs ?? []).filter(
      (input) => accepts(input.type, output.type) && !drawn.has(`${sourceId}.${output.name}-${node.id}.${input.name}`),
    );
    if (inputs.length > 0) choices.push({ nodeId: node.id, label: node.data.label || spec?.label || node.id, inputs });
  }
  return choices;
}
