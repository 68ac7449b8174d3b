import dagre from "@dagrejs/dagre";
import type { Edge, Node } from "@xyflow/react";
import type { NodeType, WorkflowGraph } from "../../api/hooks/workflows";

// Between the stored graph (the server's WorkflowGraph) and React Flow's state. Only what the server stores goes
// back: React Flow's own fields (selected, measured, dragging) stay on the canvas.

export interface StepData extends Record<string, unknown> {
  label?: string;
  settings?: Record<string, unknown>;
}

export type StepNode = Node<StepData, NodeType>;

export interface CanvasState {
  nodes: StepNode[];
  edges: Edge[];
}

/** A step's drawn size before React Flow measures it (StepNode is w-52, two lines high without problems): with it,
 * edges and "fit view" are right on the first frame instead of after a measuring pass over every node. */
export const STEP_SIZE = { width: 208, height: 56 };

export function toCanvas(graph: WorkflowGraph): CanvasState {
  return {
    nodes: (graph.nodes ?? []).map((node) => ({
      id: node.id,
      type: node.type,
      position: node.position,
      data: { ...(node.data ?? {}) },
      initialWidth: STEP_SIZE.width,
      initialHeight: STEP_SIZE.height,
    })),
    edges: (graph.edges ?? []).map((edge) => ({ ...edge })),
  };
}

export function toGraph({ nodes, edges }: CanvasState): WorkflowGraph {
  return {
    version: 1,
    nodes: nodes.map((node) => ({ id: node.id, type: node.type as NodeType, position: { x: node.position.x, y: node.position.y }, data: node.data })),
    edges: edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourceHandle ?? "",
      target: edge.target,
      targetHandle: edge.targetHandle ?? "",
    })),
  };
}

const FALLBACK_SIZE = { width: 220, height: 120 };

/** Left-to-right positions from dagre, by each node's drawn size (known once React Flow has measured it). */
export function layout({ nodes, edges }: CanvasState): StepNode[] {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  const size = (node: StepNode) => ({
    width: node.measured?.width ?? FALLBACK_SIZE.width,
    height: node.measured?.height ?? FALLBACK_SIZE.height,
  });
  for (const node of nodes) graph.setNode(node.id, size(node));
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  return nodes.map((node) => {
    const placed = graph.node(node.id);
    const { width, height } = size(node);
    // dagre gives centres; React Flow places a node by its top-left corner.
    return { ...node, position: { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) } };
  });
}

/** A node id not yet on the canvas, readable in validation messages ("model-2"). */
export function freshId(type: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n += 1) {
    const id = `${type}-${n}`;
    if (!taken.has(id)) return id;
  }
}
