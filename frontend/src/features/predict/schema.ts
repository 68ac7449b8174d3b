// Turns a model card's input_schema into form fields, and the form's strings back into a typed row. Pure.
//
// The server is the only judge of what was seen in training: a field offers the card's `values` (newer cards: the
// seen values with their training types) or its `categories` (older cards: their text spellings, which the server
// reads as the same categories), and sends the value that was picked, never a spelling of its own such as
// true/false for a Yes/No column.
import type { CellValue, InputField, InputValue, PredictRow } from "../../api/types";

interface FieldBase {
  name: string;
  kind: InputField["kind"];
  dtype: string;
  /** The card's typical value as form text ("" when the card has none): what an empty field is filled with. */
  typical: string;
  /** Numbers and dates: the training range as the card states it. */
  range?: { min: string; max: string };
}

/** A value seen in training: `label` is what the form shows and stores, `value` what a request sends. */
export interface Choice {
  label: string;
  value: InputValue;
}

export type FormField =
  | (FieldBase & { control: "select"; options: string[]; choices: Choice[] })
  | (FieldBase & { control: "number"; step: "1" | "any" })
  | (FieldBase & { control: "text"; placeholder: string; suggestions?: string[]; choices?: Choice[] });

export type FormValues = Record<string, string>;

/** Only for a boolean input whose card lists no values at all (none are known to lack them, but a card is JSON). */
const BOOLEAN_FALLBACK: Choice[] = [
  { label: "true", value: true },
  { label: "false", value: false },
];
/** Beyond this many categories a dropdown is unusable; a text box with type-ahead suggestions replaces it. */
export const MAX_SELECT_OPTIONS = 40;

function isIntegerDtype(dtype: string): boolean {
  return /^u?int/i.test(dtype);
}

/** How a value reads in the form: numbers without exponent noise, dates as the server wrote them. */
function asText(value: CellValue | InputValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The seen values: the card's typed `values` labelled by their `categories` spelling, else the spellings alone. */
function choicesOf(input: InputField): Choice[] {
  const categories = input.categories ?? [];
  const values = input.values ?? [];
  if (values.length > 0) return values.map((value, i) => ({ label: categories[i] ?? String(value), value }));
  return categories.map((label) => ({ label, value: label }));
}

export function fieldFromInput(input: InputField): FormField {
  const choices = choicesOf(input);
  const typical = input.typical ?? null;
  // The typical value in the form's words: a choice's label ("True" for true), else the value as text.
  const typicalText = typical === null ? "" : ((choices.length > 0 ? matchChoice(choices, typical)?.label : undefined) ?? asText(typical));
  const base: FieldBase = { name: input.name, kind: input.kind, dtype: input.dtype, typical: typicalText };
  if (input.min !== undefined && input.min !== null && input.max !== undefined && input.max !== null) {
    base.range = { min: asText(input.min), max: asText(input.max) };
  }
  if (choices.length > MAX_SELECT_OPTIONS) {
    const suggestions = choices.map((choice) => choice.label);
    return { ...base, control: "text", placeholder: `one of ${suggestions.length} values`, suggestions, choices };
  }
  if (choices.length > 0) return { ...base, control: "select", options: choices.map((choice) => choice.label), choices };
  if (input.kind === "boolean") {
    return { ...base, control: "select", options: BOOLEAN_FALLBACK.map((choice) => choice.label), choices: BOOLEAN_FALLBACK };
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

function choicesOfField(field: FormField): Choice[] | undefined {
  return field.control === "number" ? undefined : field.choices;
}

/** The choice a value from the data stands for: the same value (true, 1, "Yes"), else the same spelling. */
function matchChoice(choices: readonly Choice[], value: CellValue): Choice | undefined {
  const same = choices.find((choice) => choice.value === value);
  if (same) return same;
  const text = asText(value).trim().toLowerCase();
  return choices.find((choice) => choice.label.toLowerCase() === text || String(choice.value).toLowerCase() === text);
}

/** One field's form text for a value from the training data; "" when it is missing. */
function textFor(field: FormField, value: CellValue | undefined): string {
  if (value === null || value === undefined) return "";
  const choices = choicesOfField(field);
  if (choices && choices.length > 0) return matchChoice(choices, value)?.label ?? asText(value);
  return asText(value);
}

/**
 * Fills the form from an example row of the training data (the "Fill with an example" button): every field, the
 * row's missing cells with the card's typical value, so a prediction from an example never depends on imputation.
 */
export function valuesFromRow(fields: readonly FormField[], row: Record<string, CellValue>): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, textFor(field, row[field.name]) || field.typical]));
}

/** In plain words, what a field takes: its seen values, or its kind with the training range and typical value. */
export function fieldHint(field: FormField): string {
  const choices = choicesOfField(field);
  if (choices && choices.length > 0) {
    if (choices.length <= 3) {
      const labels = choices.map((choice) => choice.label);
      return labels.length === 1 ? (labels[0] as string) : `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
    }
    return `one of ${choices.length} values seen in training`;
  }
  const typical = field.typical ? `, typically ${field.typical}` : "";
  if (field.kind === "numeric") {
    const what = field.control === "number" && field.step === "1" ? "a whole number" : "a number";
    return field.range ? `${what}, ${field.range.min} to ${field.range.max} in training${typical}` : `${what}${typical}`;
  }
  if (field.kind === "datetime") {
    return field.range ? `a date, ${field.range.min.slice(0, 10)} to ${field.range.max.slice(0, 10)} in training` : "a date";
  }
  return field.kind === "text" ? "free text" : field.kind;
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
    const choices = choicesOfField(field);
    if (text === "") {
      row[field.name] = null;
    } else if (field.control === "number") {
      const value = Number(text);
      if (!Number.isFinite(value)) errors[field.name] = `${field.name} must be a number, like 42 or 3.5 (with a dot for decimals).`;
      else if (field.step === "1" && !Number.isInteger(value)) errors[field.name] = `${field.name} must be a whole number, like 3.`;
      else row[field.name] = value;
    } else if (choices) {
      // The seen value with its training type; typed text that matches none is sent as is, for the server to report.
      row[field.name] = choices.find((choice) => choice.label === text)?.value ?? text;
    } else {
      row[field.name] = text;
    }
  }
  return { row, errors };
}
