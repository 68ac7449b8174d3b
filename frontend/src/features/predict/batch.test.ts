import { describe, expect, it } from "vitest";
import {
  PREVIEW_ROWS,
  batchProgress,
  batchResult,
  batchQuery,
  countCsvRows,
  initialKeep,
  isExplanationColumn,
  parseCsv,
  parseWarnings,
  predictionsFilename,
  toggleKeep,
} from "./batch";

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

describe("batch options", () => {
  it("builds the query: the kept columns, explain only when asked", () => {
    expect(batchQuery({ keep: [], explain: false })).toEqual({});
    expect(batchQuery({ keep: ["EmployeeNumber", "Dept & Team"], explain: true })).toEqual({
      keep_columns: ["EmployeeNumber", "Dept & Team"],
      explain: true,
    });
  });

  it("starts from the suggested id columns the model knows, in its order", () => {
    expect(initialKeep(["Age", "EmployeeNumber", "Code"], ["Code", "EmployeeNumber", "gone"])).toEqual(["EmployeeNumber", "Code"]);
    expect(initialKeep(["Age"], [])).toEqual([]);
  });

  it("toggles a column and keeps the column order", () => {
    const order = ["a", "b", "c"];
    expect(toggleKeep(["c"], "a", true, order)).toEqual(["a", "c"]);
    expect(toggleKeep(["a", "c"], "a", false, order)).toEqual(["c"]);
    expect(toggleKeep(["a"], "a", true, order)).toEqual(["a"]);
  });

  it("reports progress in whole percent, done at 100", () => {
    expect(batchProgress({ state: "running", rows_done: 1, rows_total: 3 })).toBe(33);
    expect(batchProgress({ state: "done", rows_done: 0, rows_total: 3 })).toBe(100);
    expect(batchProgress({ state: "running", rows_done: 0, rows_total: 0 })).toBe(100);
  });

  it("tells explanation columns from the rest", () => {
    expect(["contribution_Age", "explained", "base_value", "top_reasons"].every(isExplanationColumn)).toBe(true);
    expect(["prediction", "proba_Yes", "EmployeeNumber"].some(isExplanationColumn)).toBe(false);
    expect(predictionsFilename("hr.csv", true)).toBe("hr-predictions-explained.csv");
  });
});
