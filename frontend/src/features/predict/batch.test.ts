import { describe, expect, it } from "vitest";
import { PREVIEW_ROWS, batchResult, countCsvRows, parseCsv, parseWarnings, predictionsFilename } from "./batch";

describe("countCsvRows", () => {
  it("counts data rows, not the header, with or without a final newline", () => {
    expect(countCsvRows("prediction\n1\n0\n1\n")).toBe(3);
    expect(countCsvRows("prediction\n1\n0\n1")).toBe(3);
    expect(countCsvRows("prediction\r\n1\r\n0\r\n")).toBe(2);
  });

  it("does not count line breaks inside quoted values", () => {
    expect(countCsvRows('prediction,note\n"a\nb",x\n"say ""hi""",y\n')).toBe(2);
  });

  it("answers 0 for a header only or nothing", () => {
    expect(countCsvRows("prediction\n")).toBe(0);
    expect(countCsvRows("")).toBe(0);
  });
});

describe("parseCsv", () => {
  it("splits fields, unquotes and unescapes", () => {
    expect(parseCsv('a,b\n"x, y","he said ""no"""\n1,\n')).toEqual([
      ["a", "b"],
      ["x, y", 'he said "no"'],
      ["1", ""],
    ]);
  });

  it("stops after the records asked for", () => {
    expect(parseCsv("a\n1\n2\n3\n", 2)).toEqual([["a"], ["1"]]);
  });
});

describe("batch result", () => {
  it("names the download after the uploaded file", () => {
    expect(predictionsFilename("customers.parquet")).toBe("customers-predictions.csv");
    expect(predictionsFilename("march.data.xlsx")).toBe("march.data-predictions.csv");
    expect(predictionsFilename(".csv")).toBe("data-predictions.csv");
  });

  it("splits the warnings header", () => {
    expect(parseWarnings("column x is missing | 2 unknown values in sex")).toEqual(["column x is missing", "2 unknown values in sex"]);
    expect(parseWarnings(null)).toEqual([]);
  });

  it("keeps the CSV, counts rows and previews the first few", () => {
    const rows = Array.from({ length: 12 }, (_, i) => `${i % 2},0.${i}`).join("\n");
    const result = batchResult(`prediction,proba_1\n${rows}\n`, "test.csv", null);
    expect(result).toMatchObject({ rows: 12, columns: ["prediction", "proba_1"], filename: "test-predictions.csv", warnings: [] });
    expect(result.preview).toHaveLength(PREVIEW_ROWS);
    expect(result.preview[0]).toEqual(["0", "0.0"]);
  });
});
