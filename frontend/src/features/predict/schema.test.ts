import { describe, expect, it } from "vitest";
import { makeField } from "../../test/factories";
import { MAX_SELECT_OPTIONS, buildRow, emptyValues, fieldsFromSchema, valuesFromRow } from "./schema";

const schema = [
  makeField({ name: "age", kind: "numeric", dtype: "float64" }),
  makeField({ name: "siblings", kind: "numeric", dtype: "int64" }),
  makeField({ name: "sex", kind: "categorical", dtype: "string", categories: ["female", "male"] }),
  makeField({ name: "alone", kind: "boolean", dtype: "bool" }),
  makeField({ name: "ticket", kind: "text", dtype: "string" }),
  makeField({ name: "boarded", kind: "datetime", dtype: "datetime64[ns]" }),
  makeField({ name: "cabin", kind: "categorical", dtype: "string" }),
];

describe("fieldsFromSchema", () => {
  it("turns a categorical with very many values into a text box with suggestions", () => {
    const many = Array.from({ length: MAX_SELECT_OPTIONS + 1 }, (_, i) => `T${i}`);
    const [field] = fieldsFromSchema([makeField({ name: "ticket", kind: "categorical", dtype: "string", categories: many })]);
    expect(field).toMatchObject({ control: "text", suggestions: many });
  });

  it("maps each input kind to a control", () => {
    const fields = fieldsFromSchema(schema);
    expect(fields.map((f) => [f.name, f.control])).toEqual([
      ["age", "number"],
      ["siblings", "number"],
      ["sex", "select"],
      ["alone", "select"],
      ["ticket", "text"],
      ["boarded", "text"],
      ["cabin", "text"],
    ]);
  });

  it("offers the categories, true/false for booleans, and integer steps", () => {
    const [age, siblings, sex, alone] = fieldsFromSchema(schema);
    expect(sex).toMatchObject({ control: "select", options: ["female", "male"] });
    expect(alone).toMatchObject({ control: "select", options: ["true", "false"] });
    expect(age).toMatchObject({ step: "any" });
    expect(siblings).toMatchObject({ step: "1" });
  });

  it("handles a missing schema", () => {
    expect(fieldsFromSchema(undefined)).toEqual([]);
  });
});

describe("buildRow", () => {
  const fields = fieldsFromSchema(schema);

  it("types numbers and booleans, keeps text, and sends blanks as null", () => {
    const values = { ...emptyValues(fields), age: "29.5", siblings: "1", sex: "female", alone: "false" };
    expect(buildRow(fields, values)).toEqual({
      row: { age: 29.5, siblings: 1, sex: "female", alone: false, ticket: null, boarded: null, cabin: null },
      errors: {},
    });
  });

  it("reports a number field that is not a number", () => {
    expect(buildRow(fields, { ...emptyValues(fields), age: "old" }).errors).toEqual({ age: "age must be a number, like 42 or 3.5 (with a dot for decimals)." });
  });

  it("asks for a whole number where the column holds integers, and a dot for decimals", () => {
    const built = buildRow(fields, { ...emptyValues(fields), age: "29,5", siblings: "1.5" });
    expect(built.errors).toEqual({
      age: "age must be a number, like 42 or 3.5 (with a dot for decimals).",
      siblings: "siblings must be a whole number, like 3.",
    });
    expect(buildRow(fields, { ...emptyValues(fields), age: "-1e3", siblings: "2" }).row).toMatchObject({ age: -1000, siblings: 2 });
  });

  it("fills values from an example row", () => {
    const values = valuesFromRow(fields, { age: 40, sex: "male", alone: true, ticket: null });
    expect(values).toMatchObject({ age: "40", sex: "male", alone: "true", ticket: "", cabin: "" });
  });
});
