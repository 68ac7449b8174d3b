// Copy and paste of canvas nodes: the copied nodes with the edges between them, pasted with fresh ids (edges
// remapped to the new ids) and shifted, so a paste never collides with what is on the canvas. Pure.
import type { Edge } from "@xyflow/react";
import { freshId, type StepNode } from "./graph";

export interface Clip {
  nodes: StepNode[];
  edges: Edge[];
}

/** How far a paste moves the copies, so they do not hide the originals. */
export const PASTE_OFFSET = { x: 40, y: 40 };

/** The selected nodes and only the edges whose two ends are both copied (an edge to a node left behind is not). */
export function copySelection(nodes: readonly StepNode[], edges: readonly Edge[]): Clip | null {
  const chosen = nodes.filter((node) => node.selected);
  if (chosen.length === 0) return null;
  const ids = new Set(chosen.map((node) => node.id));
  return {
    // Only what the graph stores: React Flow's own fields (measured, dragging) belong to the originals.
    nodes: chosen.map((node) => ({ id: node.id, type: node.type, position: { ...node.position }, data: structuredClone(node.data) })),
    edges: edges
      .filter((edge) => ids.has(edge.source) && ids.has(edge.target))
      .map((edge) => ({ id: edge.id, source: edge.source, sourceHandle: edge.sourceHandle, target: edge.target, targetHandle: edge.targetHandle })),
  };
}

/**
 * The clip's nodes with ids not in `taken` and positions moved by `times` offsets, selected (the rest of the
 * canvas is deselected by the caller), and its edges between the new ids.
 */
export function pasteClip(clip: Clip, taken: ReadonlySet<string>, times = 1): Clip {
  const used = new Set(taken);
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((node) => {
    const id = freshId(node.type ?? "node", used);
    used.add(id);
    renamed.set(node.id, id);
    return {
      ...node,
      id,
      data: structuredClone(node.data),
      position: { x: node.position.x + PASTE_OFFSET.x * times, y: node.position.y + PASTE_OFFSET.y * times },
      selected: true,
    };
  });
  const edges = clip.edges.map((edge) => {
    const source = renamed.get(edge.source) ?? edge.source;
    const target = renamed.get(edge.target) ?? edge.target;
    // The editor's own edge id scheme, so a pasted edge looks like one drawn by hand.
    return { ...edge, id: `${source}.${edge.sourceHandle}-${target}.${edge.targetHandle}`, source, target };
  });
  return { nodes, edges };
}
