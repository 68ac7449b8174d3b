import { describe, expect, it } from "vitest";
import { freshId, layout, toCanvas, toGraph } from "./graph";
import { TEMPLATES } from "./templates";

describe("graph", () => {
  it("goes to the canvas and back without change, dropping React Flow's own fields", () => {
    const graph = TEMPLATES[0]!.graph;
    const canvas = toCanvas(graph);
    canvas.nodes = canvas.nodes.map((node, index) => (index === 0 ? { ...node, selected: true, measured: { width: 10, height: 10 } } : node));
    expect(toGraph(canvas)).toEqual(graph);
  });

  it("lays a chain out left to right", () => {
    const canvas = toCanvas(TEMPLATES[0]!.graph);
    const placed = new Map(layout(canvas).map((node) => [node.id, node.position.x]));
    expect(placed.get("dataset")!).toBeLessThan(placed.get("split")!);
    expect(placed.get("split")!).toBeLessThan(placed.get("prep")!);
    expect(placed.get("model")!).toBeLessThan(placed.get("eval")!);
  });

  it("numbers new ids past the ones taken", () => {
    expect(freshId("model", new Set(["model-1", "model-2"]))).toBe("model-3");
  });
});
