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

/** "customers.parquet" -> "customers-predictions.csv": named after what was uploaded. */
export function predictionsFilename(uploadName: string): string {
  const stem = uploadName.replace(/\.[^./\\]+$/, "").trim() || "data";
  return `${stem}-predictions.csv`;
}

/** The server joins warnings with " | " in the X-FlowML-Warnings header. */
export function parseWarnings(header: string | null): string[] {
  if (!header) return [];
  return header
    .split(" | ")
    .map((w) => w.trim())
    .filter(Boolean);
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

export function batchResult(csv: string, uploadName: string, warningsHeader: string | null): BatchResult {
  const [columns = [], ...preview] = parseCsv(csv, PREVIEW_ROWS + 1);
  return { csv, rows: countCsvRows(csv), columns, preview, filename: predictionsFilename(uploadName), warnings: parseWarnings(warningsHeader) };
}
