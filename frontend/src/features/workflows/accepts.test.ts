import { describe, expect, it } from "vitest";
import type { NodeSpec, PortType } from "../../api/hooks/workflows";
import { accepts, connectionProblem } from "./accepts";

const TYPES: PortType[] = ["table", "train", "test", "model", "metrics", "figure"];

function spec(type: NodeSpec["type"], inputs: [string, PortType][], outputs: [string, PortType][]): NodeSpec {
  const port = ([name, kind]: [string, PortType]) => ({ name, type: kind });
  return { type, label: type, description: "", category: "data", inputs: inputs.map(port), outputs: outputs.map(port), settings_schema: {} };
}

describe("accepts", () => {
  it("connects equal types and nothing else but split halves into a table", () => {
    const allowed = TYPES.flatMap((input) => TYPES.filter((output) => accepts(input, output)).map((output) => `${output}->${input}`));
    expect(allowed.sort()).toEqual(
      [...TYPES.map((t) => `${t}->${t}`), "train->table", "test->table"].sort(),
    );
  });

  it("refuses a model into a table and a test half into a train input", () => {
    expect(accepts("table", "model")).toBe(false);
    expect(accepts("train", "test")).toBe(false);
  });
});

describe("connectionProblem", () => {
  const model = spec("model", [["train", "train"]], [["model", "model"]]);
  const split = spec("split", [["table", "table"]], [["train", "train"], ["test", "test"]]);

  it("names both types when refusing", () => {
    const attempt = { source: model, sourceHandle: "model", target: split, targetHandle: "table", sameNode: false };
    expect(connectionProblem(attempt)).toBe("a model output cannot feed a table input");
  });

  it("lets a train half feed a model and refuses a loop onto the same node", () => {
    expect(connectionProblem({ source: split, sourceHandle: "train", target: model, targetHandle: "train", sameNode: false })).toBeNull();
    expect(connectionProblem({ source: split, sourceHandle: "train", target: split, targetHandle: "table", sameNode: true })).toMatch(/itself/);
  });

  it("refuses a handle the node type does not have", () => {
    expect(connectionProblem({ source: split, sourceHandle: "figure", target: model, targetHandle: "train", sameNode: false })).toMatch(/output/);
  });
});
