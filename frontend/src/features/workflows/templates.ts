import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from "../../api/hooks/workflows";

// Starting points for a new workflow, as graph JSON (the format the server stores). Settings left out take the
// server's defaults; the dataset is left for the user to choose.

export interface Template {
  id: string;
  label: string;
  description: string;
  graph: WorkflowGraph;
}

const COLUMN = 260;

function node(id: string, type: WorkflowNode["type"], column: number, row: number, settings: Record<string, unknown> = {}): WorkflowNode {
  return { id, type, position: { x: column * COLUMN, y: row * 140 }, data: { settings } };
}

function edge(source: string, sourceHandle: string, target: string, targetHandle: string): WorkflowEdge {
  return { id: `${source}.${sourceHandle}-${target}.${targetHandle}`, source, sourceHandle, target, targetHandle };
}

/** Dataset -> split -> preprocessing, the trunk every template shares. */
function trunk(stratify: boolean): { nodes: WorkflowNode[]; edges: WorkflowEdge[] } {
  return {
    nodes: [
      node("dataset", "dataset", 0, 1),
      node("split", "split", 1, 1, { test_size: 0.2, stratify }),
      node("prep", "preprocessing", 2, 1),
    ],
    edges: [
      edge("dataset", "table", "split", "table"),
      edge("split", "train", "prep", "train"),
      edge("split", "test", "prep", "test"),
    ],
  };
}

/** One model after the trunk, scored by an evaluation and drawn by a chart. */
function singleModel(model: Record<string, unknown>, chart: string, stratify: boolean): WorkflowGraph {
  const { nodes, edges } = trunk(stratify);
  return {
    version: 1,
    nodes: [...nodes, node("model", "model", 3, 1, model), node("eval", "evaluation", 4, 0), node("chart", "visualization", 4, 2, { kind: chart })],
    edges: [
      ...edges,
      edge("prep", "train", "model", "train"),
      edge("model", "model", "eval", "model"),
      edge("prep", "test", "eval", "test"),
      edge("model", "model", "chart", "model"),
      edge("prep", "test", "chart", "test"),
    ],
  };
}

function compareThree(): WorkflowGraph {
  const { nodes, edges } = trunk(true);
  const models = [
    node("logreg", "model", 3, 0, { mode: "single", algorithm: "logistic_regression" }),
    node("forest", "model", 3, 1, { mode: "single", algorithm: "random_forest" }),
    node("automl", "model", 3, 2, { mode: "automl", time_budget_s: 30 }),
  ];
  return {
    version: 1,
    nodes: [...nodes, ...models, node("eval", "evaluation", 4, 1)],
    edges: [
      ...edges,
      ...models.flatMap((model) => [edge("prep", "train", model.id, "train"), edge(model.id, "model", "eval", "model")]),
      edge("prep", "test", "eval", "test"),
    ],
  };
}

export const TEMPLATES: Template[] = [
  {
    id: "binary",
    label: "Binary classification",
    description: "An AutoML search scored on held-out rows, with its ROC curve",
    graph: singleModel({ mode: "automl", metric: "roc_auc", time_budget_s: 60 }, "roc", true),
  },
  {
    id: "regression",
    label: "Regression",
    description: "An AutoML search for a number, with its residuals",
    graph: singleModel({ mode: "automl", metric: "r2", time_budget_s: 60 }, "residuals", false),
  },
  {
    id: "clustering",
    label: "Clustering",
    description: "A clustering search (no target), with a scatter of its clusters",
    graph: singleModel({ mode: "clustering", time_budget_s: 60 }, "cluster_scatter", false),
  },
  {
    id: "compare",
    label: "Compare three models",
    description: "Logistic regression, a random forest and AutoML side by side on the same test rows",
    graph: compareThree(),
  },
];

export const EMPTY_GRAPH: WorkflowGraph = { version: 1, nodes: [], edges: [] };
