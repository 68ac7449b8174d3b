import { describe, expect, it } from "vitest";
import { ACCEPTED_EXTENSIONS, extensionOf, SUPPORTED_FORMATS, unsupportedFileMessage } from "./fileFormats";

// The list of docs/api.md ("Supported uploads"), which mirrors the backend's SUPPORTED_EXTENSIONS.
const DOCUMENTED =
  ".csv .tsv .txt .xlsx .xls .parquet .pq .feather .arrow .json .jsonl .ndjson .yaml .yml .toml .db .sqlite .sqlite3";

describe("supported formats", () => {
  it("accepts exactly the documented extensions", () => {
    expect(ACCEPTED_EXTENSIONS.split(",").sort()).toEqual(DOCUMENTED.split(" ").sort());
  });

  it("names every format once", () => {
    const labels = SUPPORTED_FORMATS.map((format) => format.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(expect.arrayContaining(["CSV", "TSV", "Excel", "Parquet", "JSON", "SQLite"]));
  });
});

describe("unsupportedFileMessage", () => {
  it.each(["titanic.csv", "Sales.XLSX", "shop.sqlite3", "events.ndjson", "a.b.parquet"])("accepts %s", (name) => {
    expect(unsupportedFileMessage(name)).toBeNull();
  });

  it("names the extension it cannot read and the formats it can", () => {
    const message = unsupportedFileMessage("report.pdf");
    expect(message).toMatch(/cannot read "\.pdf" files/);
    expect(message).toMatch(/CSV, TSV, Excel/);
  });

  it("explains a file without an extension", () => {
    expect(unsupportedFileMessage("README")).toMatch(/no file extension/);
    expect(extensionOf(".bashrc")).toBe("");
  });
});
