import { describe, expect, it } from "vitest";
import { needsTableChoice, tableNamesFromMessage } from "./tableChoice";

describe("tableNamesFromMessage", () => {
  it.each([
    ["this database has tables 'orders', 'customers'; choose one with `table`", ["orders", "customers"]],
    ["this database has no table 'x'; its tables are 'a', 'b'", ["a", "b"]],
    ["The SQLite file has several tables: orders, customers, items. Send it again with `table`.", ["orders", "customers", "items"]],
    ["Several tables ['orders', 'customers']; choose one with table", ["orders", "customers"]],
    ['The file holds 2 tables: "a_b" and "c.d"', ["a_b", "c.d"]],
    ["this JSON file holds several lists of records: choose one of 'users', 'orders' with `table`", ["users", "orders"]],
    ["Could not read the file", []],
  ])("%s", (message, expected) => {
    expect(tableNamesFromMessage(message)).toEqual(expected);
  });
});

describe("needsTableChoice", () => {
  it("only for a 422 about tables on a SQLite file", () => {
    expect(needsTableChoice(422, "shop.sqlite", "several tables: a, b")).toBe(true);
    expect(needsTableChoice(422, "shop.csv", "several tables: a, b")).toBe(false);
    expect(needsTableChoice(413, "shop.db", "several tables: a, b")).toBe(false);
  });

  it("also for a JSON, YAML or TOML file holding several lists of records", () => {
    const message = "this YAML file holds several lists of records: choose one of 'a', 'b' with `table`";
    expect(needsTableChoice(422, "data.yml", message)).toBe(true);
    expect(needsTableChoice(422, "data.json", "this JSON file is not a table: expected ...")).toBe(false);
  });
});
