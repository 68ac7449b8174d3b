import { describe, expect, it } from "vitest";
import { exportName, graphToJson, parseImport } from "./transfer";

describe("export and import", () => {
  const graph = {
    version: 1,
    nodes: [{ id: "data", type: "dataset" as const, position: { x: 1, y: 2 }, data: { settings: {} } }],
    edges: [],
  };

  it("round-trips the JSON export", () => {
    const back = parseImport("w.json", graphToJson(graph));
    expect(back).toEqual({ ok: true, graph });
  });

  it("accepts a workflow as the API answers it, and fills in positions and edge ids", () => {
    const text = JSON.stringify({ name: "x", graph: { nodes: [{ id: "a", type: "dataset" }], edges: [{ source: "a" }] } });
    const back = parseImport("w.json", text);
    expect(back.ok && back.graph.nodes?.[0]?.position).toEqual({ x: 0, y: 0 });
    expect(back.ok && back.graph.edges?.[0]?.id).toBe("e1");
  });

  it("says why a file is refused", () => {
    expect(parseImport("w.yaml", "nodes: []")).toMatchObject({ ok: false, error: expect.stringContaining("YAML") });
    expect(parseImport("w.json", "{")).toMatchObject({ ok: false, error: "w.json is not JSON." });
    expect(parseImport("w.json", "{}")).toMatchObject({ ok: false, error: expect.stringContaining("nodes") });
    expect(parseImport("w.json", '{"nodes": [{"id": 1}]}')).toMatchObject({ ok: false, error: expect.stringContaining("node 0") });
  });

  it("names the file after the workflow", () => {
    expect(exportName("Titanic: compare 3!", "json")).toBe("Titanic-compare-3.json");
    expect(exportName("  ", "yaml")).toBe("workflow.yaml");
  });
});
