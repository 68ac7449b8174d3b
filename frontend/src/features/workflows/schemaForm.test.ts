import { describe, expect, it } from "vitest";
import { defaultSettings, fieldsFromSchema, formatInput, parseInput, type FormField } from "./schemaForm";

// Shapes as the server's catalogue sends them (Pydantic's JSON schema: optional fields are anyOf [X, null]).
const SCHEMA = {
  type: "object",
  required: ["kind"],
  properties: {
    test_size: { type: "number", default: 0.2, minimum: 0.05, maximum: 0.95, title: "Test Size", description: "held out" },
    seed: { type: "integer", default: 42, minimum: 0 },
    stratify: { type: "boolean", default: true },
    mode: { type: "string", enum: ["random", "time"], default: "random" },
    order_column: { anyOf: [{ type: "string", maxLength: 255 }, { type: "null" }], default: null },
    metrics: { anyOf: [{ type: "array", items: { type: "string", enum: ["f1", "r2"] } }, { type: "null" }], default: null },
    drop: { type: "array", items: { type: "string" } },
    params: { type: "object", additionalProperties: true },
    steps: { type: "array", items: { $ref: "#/$defs/Step" } },
    kind: { type: "string", enum: ["roc", "residuals"] },
    path: { anyOf: [{ type: "string" }, { type: "null" }], default: null, "x-flowml-local-only": true },
  },
};

describe("fieldsFromSchema", () => {
  const fields = fieldsFromSchema(SCHEMA);
  const byName = Object.fromEntries(fields.map((field) => [field.name, field]));

  it("leaves out settings the server marks local-only (a file path is not the canvas's to set)", () => {
    expect(byName.path).toBeUndefined();
  });

  it("maps each JSON schema shape to one input kind, in the schema's order", () => {
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ["test_size", "number"],
      ["seed", "integer"],
      ["stratify", "boolean"],
      ["mode", "enum"],
      ["order_column", "string"],
      ["metrics", "multi"],
      ["drop", "list"],
      ["params", "json"],
      ["steps", "json"],
      ["kind", "enum"],
    ]);
  });

  it("keeps titles, limits, options and whether null is allowed", () => {
    expect(byName.test_size).toMatchObject({ label: "Test Size", description: "held out", minimum: 0.05, maximum: 0.95, nullable: false });
    expect(byName.order_column).toMatchObject({ nullable: true, label: "order_column" });
    expect(byName.metrics).toMatchObject({ kind: "multi", options: ["f1", "r2"], nullable: true });
    expect(byName.kind).toMatchObject({ required: true });
    expect(byName.mode).toMatchObject({ required: false });
  });

  it("prefills the defaults and leaves a required field without one unset", () => {
    expect(defaultSettings(fields)).toEqual({
      test_size: 0.2,
      seed: 42,
      stratify: true,
      mode: "random",
      order_column: null,
      metrics: null,
      drop: [],
    });
  });
});

describe("parseInput and formatInput", () => {
  const fields = fieldsFromSchema(SCHEMA);
  const field = (name: string) => {
    const found = fields.find((item) => item.name === name);
    if (!found) throw new Error(`no field ${name}`);
    return found;
  };
  const [testSize, seed, orderColumn, drop, params] = ["test_size", "seed", "order_column", "drop", "params"].map(field) as [
    FormField,
    FormField,
    FormField,
    FormField,
    FormField,
  ];

  it("checks numbers against the schema's limits", () => {
    expect(parseInput(testSize, "0.3")).toEqual({ ok: true, value: 0.3 });
    expect(parseInput(testSize, "2")).toEqual({ ok: false, error: "Test Size must be at most 0.95" });
    expect(parseInput(seed, "1.5")).toMatchObject({ ok: false });
    expect(parseInput(seed, "")).toMatchObject({ ok: false });
  });

  it("turns an empty optional input into null and lines into a list", () => {
    expect(parseInput(orderColumn, "  ")).toEqual({ ok: true, value: null });
    expect(parseInput(drop, "name\n\n ticket \n")).toEqual({ ok: true, value: ["name", "ticket"] });
    expect(formatInput(drop, ["name", "ticket"])).toBe("name\nticket");
  });

  it("reads nested settings as JSON and says when they are not", () => {
    expect(parseInput(params, '{"C": 2}')).toEqual({ ok: true, value: { C: 2 } });
    expect(parseInput(params, "{C: 2")).toEqual({ ok: false, error: "params is not valid JSON" });
    expect(formatInput(params, { C: 2 })).toBe('{\n  "C": 2\n}');
  });
});
