import { describe, expect, it } from "vitest";
import type { NodeSpec, NodeType, PortSpec } from "../../api/hooks/workflows";
import { connectTargets } from "./connect";
import type { StepNode } from "./graph";

const port = (name: string, type: PortSpec["type"]): PortSpec => ({ name, type, required: true, multiple: false, description: "" });
const spec = (type: NodeType, inputs: PortSpec[], outputs: PortSpec[]): NodeSpec =>
  ({ type, label: type, description: "", category: "data", inputs, outputs, settings_schema: {} }) as NodeSpec;
const specs = new Map<NodeType, NodeSpec>([
  ["split", spec("split", [port("table", "table")], [port("train", "train"), port("test", "test")])],
  ["preprocessing", spec("preprocessing", [port("train", "train"), port("test", "test")], [port("train", "train"), port("test", "test")])],
  ["model", spec("model", [port("train", "train")], [port("model", "model")])],
  ["dataset", spec("dataset", [], [port("table", "table")])],
]);
const node = (id: string, type: NodeType): StepNode => ({ id, type, position: { x: 0, y: 0 }, data: {} });

describe("connectTargets", () => {
  const nodes = [node("split", "split"), node("prep", "preprocessing"), node("model", "model"), node("data", "dataset")];

  it("offers only inputs the port rule accepts, never the node itself", () => {
    const choices = connectTargets("split", port("test", "test"), nodes, [], specs);
    expect(choices).toEqual([{ nodeId: "prep", label: "preprocessing", inputs: [port("test", "test")] }]);
    const train = connectTargets("split", port("train", "train"), nodes, [], specs);
    expect(train.map((choice) => choice.nodeId)).toEqual(["prep", "model"]);
  });

  it("leaves out an edge that is already drawn", () => {
    const edges = [{ id: "e", source: "split", sourceHandle: "train", target: "model", targetHandle: "train" }];
    expect(connectTargets("split", port("train", "train"), nodes, edges, specs).map((choice) => choice.nodeId)).toEqual(["prep"]);
  });
});
