// Turns a model card's input_schema into form fields, and the form's strings back into a typed row. Pure.
import type { CellValue, InputField, PredictRow } from "../../api/types";

interface FieldBase {
  name: string;
  kind: InputField["kind"];
  dtype: string;
}

export type FormField =
  | (FieldBase & { control: "select"; options: string[] })
  | (FieldBase & { control: "number"; step: "1" | "any" })
  | (FieldBase & { control: "text"; placeholder: string; suggestions?: string[] });

export type FormValues = Record<string, string>;

const BOOLEAN_OPTIONS = ["true", "false"];
/** Beyond this many categories a dropdown is unusable; a text box with type-ahead suggestions replaces it. */
export const MAX_SELECT_OPTIONS = 40;

function isIntegerDtype(dtype: string): boolean {
  return /^u?int/i.test(dtype);
}

export function fieldFromInput(input: InputField): FormField {
  const base = { name: input.name, kind: input.kind, dtype: input.dtype };
  if (input.kind === "boolean") return { ...base, control: "select", options: BOOLEAN_OPTIONS };
  if (input.categories && input.categories.length > MAX_SELECT_OPTIONS) {
    const suggestions = input.categories.map(String);
    return { ...base, control: "text", placeholder: `one of ${suggestions.length} values`, suggestions };
  }
  if (input.categories && input.categories.length > 0) {
    return { ...base, control: "select", options: input.categories.map(String) };
  }
  if (input.kind === "numeric") return { ...base, control: "number", step: isIntegerDtype(input.dtype) ? "1" : "any" };
  const placeholder = input.kind === "datetime" ? "2024-01-31 or 2024-01-31T12:00" : "";
  return { ...base, control: "text", placeholder };
}

export function fieldsFromSchema(schema: readonly InputField[] | undefined | null): FormField[] {
  return (schema ?? []).map(fieldFromInput);
}

export function emptyValues(fields: readonly FormField[]): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, ""]));
}

/** Fills the form from an example row of the training data (the "Use an example" button). */
export function valuesFromRow(fields: readonly FormField[], row: Record<string, CellValue>): FormValues {
  return Object.fromEntries(
    fields.map((field) => {
      const value = row[field.name];
      return [field.name, value === null || value === undefined ? "" : String(value)];
    }),
  );
}

export interface BuiltRow {
  row: PredictRow;
  errors: Record<string, string>;
}

/** Blank means missing (`null`); the model's preprocessing imputes it and the server may warn. */
export function buildRow(fields: readonly FormField[], values: FormValues): BuiltRow {
  const row: PredictRow = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const text = (values[field.name] ?? "").trim();
    if (text === "") {
      row[field.name] = null;
    } else if (field.control === "number") {
      const value = Number(text);
      if (!Number.isFinite(value)) errors[field.name] = `${field.name} must be a number, like 42 or 3.5 (with a dot for decimals).`;
      else if (field.step === "1" && !Number.isInteger(value)) errors[field.name] = `${field.name} must be a whole number, like 3.`;
      else row[field.name] = value;
    } else if (field.kind === "boolean") {
      row[field.name] = text === "true";
    } else {
      row[field.name] = text;
    }
  }
  return { row, errors };
}
