// The file formats the server reads (backend/flowml/data/formats.py SUPPORTED_EXTENSIONS), named the way the
// backend names them in its messages. The server stays the judge; checking here only saves uploading a PDF first.

export interface FileFormat {
  label: string;
  extensions: readonly string[];
}

export const SUPPORTED_FORMATS: readonly FileFormat[] = [
  { label: "CSV", extensions: [".csv", ".txt"] },
  { label: "TSV", extensions: [".tsv"] },
  { label: "Excel", extensions: [".xlsx", ".xls"] },
  { label: "Parquet", extensions: [".parquet", ".pq"] },
  { label: "Arrow/Feather", extensions: [".feather", ".arrow"] },
  { label: "JSON", extensions: [".json"] },
  { label: "JSON Lines", extensions: [".jsonl", ".ndjson"] },
  { label: "YAML", extensions: [".yaml", ".yml"] },
  { label: "TOML", extensions: [".toml"] },
  { label: "SQLite", extensions: [".db", ".sqlite", ".sqlite3"] },
];

/** For `<input accept>`. */
export const ACCEPTED_EXTENSIONS = SUPPORTED_FORMATS.flatMap((format) => format.extensions).join(",");

export function extensionOf(fileName: string): string {
  const dot = fileName.trim().lastIndexOf(".");
  return dot <= 0 ? "" : fileName.trim().slice(dot).toLowerCase();
}

/** A plain message when FlowML cannot read this file, else null. */
export function unsupportedFileMessage(fileName: string): string | null {
  const extension = extensionOf(fileName);
  if (SUPPORTED_FORMATS.some((format) => format.extensions.includes(extension))) return null;
  const names = SUPPORTED_FORMATS.map((format) => format.label).join(", ");
  return extension
    ? `FlowML cannot read "${extension}" files. Use one of: ${names}.`
    : `"${fileName}" has no file extension, so its format is unknown. Use one of: ${names}.`;
}
