// A node's settings form, derived from the JSON schema the catalogue sends (GET /api/nodes): the server owns the
// fields, their defaults and limits, so plugin settings show up without a frontend change.

type Json = Record<string, unknown>;

interface Base {
  name: string;
  label: string;
  description: string;
  /** The schema allows null (an optional setting): an empty input means null. */
  nullable: boolean;
  /** No default on the server: the node cannot run until it is set. */
  required: boolean;
  default: unknown;
}

export type FormField =
  | (Base & { kind: "string" })
  | (Base & { kind: "number" | "integer"; minimum?: number; maximum?: number })
  | (Base & { kind: "boolean" })
  | (Base & { kind: "enum"; options: string[] })
  /** An array of strings from a fixed list: a group of checkboxes. */
  | (Base & { kind: "multi"; options: string[] })
  /** An array of free strings: one per line. */
  | (Base & { kind: "list" })
  /** Anything nested (objects, arrays of objects): edited as JSON. */
  | (Base & { kind: "json" });

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The schema without its `anyOf: [X, {type: null}]` wrapper, and whether null was one of the choices. */
function unwrapNullable(schema: Json): { schema: Json; nullable: boolean } {
  const choices = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isObject) : null;
  if (!choices) return { schema, nullable: false };
  const others = choices.filter((choice) => choice.type !== "null");
  const nullable = others.length < choices.length;
  // More than one non-null choice is a union no single input can edit: JSON.
  return { schema: others.length === 1 ? { ...schema, ...others[0] } : { ...schema, type: "json" }, nullable };
}

const strings = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : null;

function fieldOf(name: string, raw: Json, required: boolean): FormField {
  const { schema, nullable } = unwrapNullable(raw);
  const base: Base = {
    name,
    label: typeof schema.title === "string" ? schema.title : name,
    description: typeof schema.description === "string" ? schema.description : "",
    nullable,
    required,
    default: schema.default,
  };
  const options = strings(schema.enum);
  if (options) return { ...base, kind: "enum", options };
  switch (schema.type) {
    case "string":
      return { ...base, kind: "string" };
    case "boolean":
      return { ...base, kind: "boolean" };
    case "number":
    case "integer": {
      const limit = (key: string) => (typeof schema[key] === "number" ? (schema[key] as number) : undefined);
      return { ...base, kind: schema.type, minimum: limit("minimum"), maximum: limit("maximum") };
    }
    case "array": {
      const items = isObject(schema.items) ? schema.items : {};
      const itemOptions = strings(items.enum);
      if (itemOptions) return { ...base, kind: "multi", options: itemOptions };
      if (items.type === "string") return { ...base, kind: "list" };
      return { ...base, kind: "json" };
    }
    default:
      return { ...base, kind: "json" };
  }
}

/** The form's fields, in the schema's order; settings the server marks `x-flowml-local-only` (a file path for
 *  `flowml workflow run`) are not the canvas's to set. */
export function fieldsFromSchema(schema: Json): FormField[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(strings(schema.required) ?? []);
  return Object.entries(properties)
    .filter((entry): entry is [string, Json] => isObject(entry[1]) && entry[1]["x-flowml-local-only"] !== true)
    .map(([name, property]) => fieldOf(name, property, required.has(name) && !("default" in property)));
}

/** Settings with every default filled in: what a new node starts with (required fields without one stay unset). */
export function defaultSettings(fields: FormField[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.default !== undefined) settings[field.name] = structuredClone(field.default);
    else if (field.kind === "list" || field.kind === "multi") {
      if (!field.nullable) settings[field.name] = [];
    }
  }
  return settings;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** A text input's content as the setting's value (number, list, JSON), or why it is not one. */
export function parseInput(field: FormField, text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === "" && field.kind !== "json") {
    if (field.nullable) return { ok: true, value: null };
    if (field.kind === "list") return { ok: true, value: [] };
    if (field.kind === "string") return { ok: true, value: "" };
    return { ok: false, error: `${field.label} needs a value` };
  }
  switch (field.kind) {
    case "number":
    case "integer": {
      const value = Number(trimmed);
      if (!Number.isFinite(value)) return { ok: false, error: `${field.label} must be a number` };
      if (field.kind === "integer" && !Number.isInteger(value)) return { ok: false, error: `${field.label} must be a whole number` };
      if (field.minimum !== undefined && value < field.minimum) return { ok: false, error: `${field.label} must be at least ${field.minimum}` };
      if (field.maximum !== undefined && value > field.maximum) return { ok: false, error: `${field.label} must be at most ${field.maximum}` };
      return { ok: true, value };
    }
    case "list":
      return { ok: true, value: trimmed.split("\n").map((line) => line.trim()).filter(Boolean) };
    case "json": {
      if (trimmed === "") return field.nullable ? { ok: true, value: null } : { ok: false, error: `${field.label} needs a value` };
      try {
        return { ok: true, value: JSON.parse(trimmed) as unknown };
      } catch {
        return { ok: false, error: `${field.label} is not valid JSON` };
      }
    }
    default:
      return { ok: true, value: trimmed };
  }
}

/** A setting's value as the text its input shows. */
export function formatInput(field: FormField, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (field.kind === "list") return (strings(value) ?? []).join("\n");
  if (field.kind === "json") return JSON.stringify(value, null, 2);
  return String(value);
}
