// Reading the CSV that batch scoring answers: how many rows, the first few to show, and the file name. Pure.

/** Splits CSV text into records of fields, honouring quotes (a quoted field may hold commas and line breaks). */
export function parseCsv(text: string, maxRecords = Infinity): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = "";
  };
  while (i < text.length && records.length < maxRecords) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      endRecord();
    } else {
      field += ch;
    }
    i += 1;
  }
  // A last line without a trailing newline is still a record.
  if ((field !== "" || record.length > 0) && records.length < maxRecords) endRecord();
  return records;
}

/** Data rows (the header excluded), counted without building every record. */
export function countCsvRows(text: string): number {
  let records = 0;
  let quoted = false;
  let lineHasContent = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted; // An escaped quote ("") toggles twice: no change.
    if (!quoted && (ch === "\n" || ch === "\r")) {
      if (ch === "\r" && text[i + 1] === "\n") i += 1;
      if (lineHasContent) records += 1;
      lineHasContent = false;
    } else {
      lineHasContent = true;
    }
  }
  if (lineHasContent) records += 1;
  return Math.max(0, records - 1);
}

/** "customers.parquet" -> "customers-predictions.csv" (or "-explained.csv"): named after what was uploaded. */
export function predictionsFilename(uploadName: string, explained = false): string {
  const stem = uploadName.replace(/\.[^./\\]+$/, "").trim() || "data";
  return `${stem}-predictions${explained ? "-explained" : ""}.csv`;
}

/** The server joins warnings with " | " in the X-FlowML-Warnings header. */
export function parseWarnings(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(" | ")
    .map((w) => w.trim())
    .filter(Boolean);
}

/** What to do with a file besides predicting: columns to copy into the scored file, and explanation columns. */
export interface ScoreOptions {
  keep: string[];
  explain: boolean;
}

export const BATCH_POLL_MS = 1000;

/** The scoring request's query: the columns to carry over, and whether to explain (left out when not). */
export function batchQuery(options: ScoreOptions): { keep_columns?: string[]; explain?: boolean } {
  return {
    ...(options.keep.length > 0 ? { keep_columns: [...options.keep] } : {}),
    ...(options.explain ? { explain: true } : {}),
  };
}

/** Percent done of a background batch, 0-100 (a batch of 0 rows is done). */
export function batchProgress(status: { rows_done: number; rows_total: number; state: string }): number {
  if (status.state === "done" || status.rows_total === 0) return 100;
  return Math.min(100, Math.floor((status.rows_done / status.rows_total) * 100));
}

/** The columns to keep before the user picks: the suggested ones the model can pass through, in its order. */
export function initialKeep(columns: readonly string[], suggested: readonly string[]): string[] {
  return columns.filter((column) => suggested.includes(column));
}

/** Toggle one column in the kept list, keeping the model's column order (the scored file's column order). */
export function toggleKeep(kept: readonly string[], column: string, on: boolean, order: readonly string[]): string[] {
  const next = new Set(kept);
  if (on) next.add(column);
  else next.delete(column);
  return order.filter((name) => next.has(name));
}

/** The explanation columns of a scored file, for the preview's caption. */
export function isExplanationColumn(column: string): boolean {
  return column.startsWith("contribution_") || ["explained", "base_value", "top_reasons"].includes(column);
}

export interface BatchResult {
  csv: string;
  rows: number;
  columns: string[];
  /** The first rows, for a preview table. */
  preview: string[][];
  filename: string;
  warnings: string[];
}

export const PREVIEW_ROWS = 5;

export function batchResult(csv: string, uploadName: string, warningsHeader: string | null, explained = false): BatchResult {
  const [columns = [], ...preview] = parseCsv(csv, PREVIEW_ROWS + 1);
  return {
    csv,
    rows: countCsvRows(csv),
    columns,
    preview,
    filename: predictionsFilename(uploadName, explained),
    warnings: parseWarnings(warningsHeader),
  };
}
