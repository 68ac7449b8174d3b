import { describe, expect, it } from "vitest";
import { makeField } from "../../test/factories";
import { MAX_SELECT_OPTIONS, buildRow, emptyValues, fieldHint, fieldsFromSchema, valuesFromRow } from "./schema";

// A card as the server writes it now: seen values with their training types, ranges and typical values.
const schema = [
  makeField({ name: "age", kind: "numeric", dtype: "float64", min: 0.42, max: 80, typical: 28 }),
  makeField({ name: "siblings", kind: "numeric", dtype: "int64", min: 0, max: 8, typical: 0 }),
  makeField({ name: "sex", kind: "categorical", dtype: "object", categories: ["male", "female"], values: ["male", "female"], typical: "male" }),
  makeField({ name: "OverTime", kind: "boolean", dtype: "object", categories: ["No", "Yes"], values: ["No", "Yes"], typical: "No" }),
  makeField({ name: "alone", kind: "boolean", dtype: "bool", categories: ["True", "False"], values: [true, false], typical: true }),
  makeField({ name: "manager", kind: "boolean", dtype: "int64", categories: ["0", "1"], values: [0, 1], typical: 0 }),
  makeField({ name: "ticket", kind: "text", dtype: "object", typical: "CA 2343" }),
  makeField({ name: "boarded", kind: "datetime", dtype: "datetime64[ns]", min: "2012-04-02T00:00:00", max: "2012-04-10T00:00:00", typical: "2012-04-05T00:00:00" }),
];

describe("fieldsFromSchema", () => {
  it("maps each input kind to a control", () => {
    const fields = fieldsFromSchema(schema);
    expect(fields.map((f) => [f.name, f.control])).toEqual([
      ["age", "number"],
      ["siblings", "number"],
      ["sex", "select"],
      ["OverTime", "select"],
      ["alone", "select"],
      ["manager", "select"],
      ["ticket", "text"],
      ["boarded", "text"],
    ]);
  });

  it("offers exactly the values seen in training, never true/false for a Yes/No column", () => {
    const byName = Object.fromEntries(fieldsFromSchema(schema).map((f) => [f.name, f]));
    expect(byName.OverTime).toMatchObject({ control: "select", options: ["No", "Yes"] });
    expect(byName.alone).toMatchObject({ control: "select", options: ["True", "False"] });
    expect(byName.manager).toMatchObject({ control: "select", options: ["0", "1"] });
    expect(byName.sex).toMatchObject({ control: "select", options: ["male", "female"] });
    expect(byName.age).toMatchObject({ step: "any", range: { min: "0.42", max: "80" }, typical: "28" });
    expect(byName.siblings).toMatchObject({ step: "1" });
  });

  it("offers an older card's category spellings, which the server reads as the same values", () => {
    const [field] = fieldsFromSchema([makeField({ name: "OverTime", kind: "boolean", dtype: "object", categories: ["No", "Yes"] })]);
    expect(field).toMatchObject({ control: "select", options: ["No", "Yes"] });
    expect(buildRow([field!], { OverTime: "Yes" }).row).toEqual({ OverTime: "Yes" });
  });

  it("turns a categorical with very many values into a text box with suggestions", () => {
    const many = Array.from({ length: MAX_SELECT_OPTIONS + 1 }, (_, i) => i + 100);
    const [field] = fieldsFromSchema([
      makeField({ name: "zip", kind: "categorical", dtype: "int64", categories: many.map(String), values: many }),
    ]);
    expect(field).toMatchObject({ control: "text", suggestions: many.map(String) });
    expect(buildRow([field!], { zip: "105" }).row).toEqual({ zip: 105 });
  });

  it("handles a missing schema", () => {
    expect(fieldsFromSchema(undefined)).toEqual([]);
  });
});

describe("fieldHint", () => {
  const byName = Object.fromEntries(fieldsFromSchema(schema).map((f) => [f.name, f]));

  it("names the seen values, or the range and typical value", () => {
    expect(fieldHint(byName.OverTime!)).toBe("No or Yes");
    expect(fieldHint(byName.alone!)).toBe("True or False");
    expect(fieldHint(byName.siblings!)).toBe("a whole number, 0 to 8 in training, typically 0");
    expect(fieldHint(byName.age!)).toBe("a number, 0.42 to 80 in training, typically 28");
    expect(fieldHint(byName.boarded!)).toBe("a date, 2012-04-02 to 2012-04-10 in training");
    expect(fieldHint(byName.ticket!)).toBe("free text");
  });
});

describe("buildRow", () => {
  const fields = fieldsFromSchema(schema);

  it("sends each seen value with its training type, numbers as numbers, and blanks as null", () => {
    const values = { ...emptyValues(fields), age: "29.5", siblings: "1", sex: "female", OverTime: "Yes", alone: "False", manager: "1" };
    expect(buildRow(fields, values)).toEqual({
      row: { age: 29.5, siblings: 1, sex: "female", OverTime: "Yes", alone: false, manager: 1, ticket: null, boarded: null },
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
});

describe("valuesFromRow", () => {
  const fields = fieldsFromSchema(schema);

  it("fills every field from an example row, matching each value to the option it stands for", () => {
    const values = valuesFromRow(fields, {
      age: 40,
      siblings: 1,
      sex: "male",
      OverTime: "Yes",
      alone: true,
      manager: 1,
      ticket: "PC 17599",
      boarded: "2012-04-03T00:00:00",
    });
    expect(values).toEqual({
      age: "40",
      siblings: "1",
      sex: "male",
      OverTime: "Yes",
      alone: "True",
      manager: "1",
      ticket: "PC 17599",
      boarded: "2012-04-03T00:00:00",
    });
    // and the filled form sends the training values back
    expect(buildRow(fields, values).row).toMatchObject({ OverTime: "Yes", alone: true, manager: 1 });
  });

  it("fills a cell missing from the example with the card's typical value", () => {
    const values = valuesFromRow(fields, { age: null, OverTime: null, alone: null, ticket: null });
    expect(values).toMatchObject({ age: "28", siblings: "0", OverTime: "No", alone: "True", manager: "0", ticket: "CA 2343" });
    expect(Object.values(values).every((value) => value !== "")).toBe(true);
  });

  it("matches an older card's spellings whatever the example's type", () => {
    const [flag] = fieldsFromSchema([makeField({ name: "alone", kind: "boolean", dtype: "bool", categories: ["True", "False"] })]);
    expect(valuesFromRow([flag!], { alone: false })).toEqual({ alone: "False" });
  });
});
