import { describe, expect, it } from "vitest";
import type { NodeSpec, PortType } from "../../api/hooks/workflows";
import { connectionProblem } from "./accepts";
import { TEMPLATES } from "./templates";

// The ports of the server's catalogue (GET /api/nodes, docs/workflows.md "Nodes"), to check the templates' edges.
const PORTS: Record<NodeSpec["type"], { inputs: [string, PortType][]; outputs: [string, PortType][] }> = {
  dataset: { inputs: [], outputs: [["table", "table"]] },
  split: { inputs: [["table", "table"]], outputs: [["train", "train"], ["test", "test"]] },
  preprocessing: { inputs: [["train", "train"], ["test", "test"]], outputs: [["train", "train"], ["test", "test"]] },
  model: { inputs: [["train", "train"]], outputs: [["model", "model"]] },
  evaluation: { inputs: [["model", "model"], ["test", "test"]], outputs: [["metrics", "metrics"]] },
  visualization: { inputs: [["model", "model"], ["test", "test"]], outputs: [["figure", "figure"]] },
  deploy: { inputs: [["model", "model"]], outputs: [] },
};

function spec(type: NodeSpec["type"]): NodeSpec {
  const port = ([name, kind]: [string, PortType]) => ({ name, type: kind });
  const { inputs, outputs } = PORTS[type];
  return { type, label: type, description: "", category: "data", inputs: inputs.map(port), outputs: outputs.map(port), settings_schema: {} };
}

describe("templates", () => {
  it("offers the four the issue names", () => {
    expect(TEMPLATES.map((template) => template.label)).toEqual([
      "Binary classification",
      "Regression",
      "Clustering",
      "Compare three models",
    ]);
  });

  it.each(TEMPLATES.map((template) => [template.label, template] as const))("%s is a well-formed graph", (_label, template) => {
    const { nodes = [], edges = [] } = template.graph;
    const ids = nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(edges.map((edge) => edge.id)).size).toBe(edges.length);
    const typeOf = new Map(nodes.map((node) => [node.id, node.type]));
    for (const edge of edges) {
      const source = typeOf.get(edge.source);
      const target = typeOf.get(edge.target);
      expect(source && target, `${edge.id} names a missing node`).toBeTruthy();
      if (!source || !target) continue;
      const attempt = { source: spec(source), sourceHandle: edge.sourceHandle, target: spec(target), targetHandle: edge.targetHandle, sameNode: false };
      expect(connectionProblem(attempt), edge.id).toBeNull();
    }
    // It survives the trip through JSON (what the server stores and sends back).
    expect(JSON.parse(JSON.stringify(template.graph))).toEqual(template.graph);
  });
});
