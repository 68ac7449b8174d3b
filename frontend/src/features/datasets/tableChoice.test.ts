import { describe, expect, it } from "vitest";
import { needsTableChoice, tableNamesFromMessage } from "./tableChoice";

describe("tableNamesFromMessage", () => {
  it.each([
    ["this database has tables 'orders', 'customers'; choose one with `table`", ["orders", "customers"]],
    ["this database has no table 'x'; its tables are 'a', 'b'", ["a", "b"]],
    ["The SQLite file has several tables: orders, customers, items. Send it again with `table`.", ["orders", "customers", "items"]],
    ["Several tables ['orders', 'customers']; choose one with table", ["orders", "customers"]],
    ['The file holds 2 tables: "a_b" and "c.d"', ["a_b", "c.d"]],
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
});
