// Export and import of a workflow file. JSON is written here (the graph as the server stores it); YAML and Python
// come from the server's export. Import reads JSON only: the dashboard has no YAML parser, and one dependency for
// this alone is not worth it (a YAML file imports with `flowml workflow` or after converting it).
import type { WorkflowGraph } from "../../api/hooks/workflows";

/** The graph as a pretty-printed JSON file's text, the same shape `flowml workflow run` reads. */
export function graphToJson(graph: WorkflowGraph): string {
  return `${JSON.stringify(graph, null, 2)}\n`;
}

/** A file name from the workflow's name: letters, digits, dashes and underscores only. */
export function exportName(name: string, extension: string): string {
  const stem = name.trim().replace(/[^\w-]+/g, "-").replace(/^-+|-+$/g, "") || "workflow";
  return `${stem}.${extension}`;
}

export type Imported = { ok: true; graph: WorkflowGraph } | { ok: false; error: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A file's text as a graph to put on the canvas, or why not. Only the outer shape is checked here (nodes and edges
 * are lists of objects with ids); the server checks the rest when it saves and validates, and says where.
 */
export function parseImport(fileName: string, text: string): Imported {
  if (/\.ya?ml$/i.test(fileName)) {
    return { ok: false, error: "YAML files are not imported here: import the JSON export, or convert the file to JSON first." };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `${fileName} is not JSON.` };
  }
  // Accept the bare graph and a workflow as the API answers it ({name, graph, ...}).
  const graph = isObject(value) && isObject(value.graph) ? value.graph : value;
  if (!isObject(graph) || !Array.isArray(graph.nodes)) return { ok: false, error: `${fileName} holds no workflow graph (no "nodes" list).` };
  const edges = graph.edges ?? [];
  if (!Array.isArray(edges)) return { ok: false, error: `"edges" in ${fileName} is not a list.` };
  const broken = graph.nodes.findIndex((node) => !isObject(node) || typeof node.id !== "string" || typeof node.type !== "string");
  if (broken >= 0) return { ok: false, error: `node ${broken} in ${fileName} has no string "id" and "type".` };
  // A hand-written file may leave out positions and edge ids (as `flowml workflow run` allows): fill them in.
  const nodes = (graph.nodes as Record<string, unknown>[]).map((node, index) => ({
    ...node,
    position: isObject(node.position) ? node.position : { x: index * 260, y: 0 },
    data: isObject(node.data) ? node.data : {},
  }));
  const withIds = (edges as unknown[]).map((edge, index) =>
    isObject(edge) && typeof edge.id !== "string" ? { ...edge, id: `e${index + 1}` } : edge,
  );
  return { ok: true, graph: { version: typeof graph.version === "number" ? graph.version : 1, nodes, edges: withIds } as WorkflowGraph };
}
