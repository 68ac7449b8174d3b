// A SQLite file with several tables is refused with 422 and a message naming them (docs/api.md); so is a JSON, YAML
// or TOML file holding several named lists of records. The Data page then asks which table to import. The message
// is prose, so its table names are read out of it here.

const SQLITE_EXTENSIONS = [".db", ".sqlite", ".sqlite3"];
// Formats whose upload takes `table` (backend/flowml/data/formats.py _TAKES_TABLE).
const TABLE_EXTENSIONS = [...SQLITE_EXTENSIONS, ".json", ".yaml", ".yml", ".toml"];

export function isSqliteFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return SQLITE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function needsTableChoice(status: number, fileName: string, message: string): boolean {
  const lower = fileName.toLowerCase();
  if (status !== 422 || !TABLE_EXTENSIONS.some((ext) => lower.endsWith(ext))) return false;
  if (isSqliteFile(fileName)) return /\btables?\b/i.test(message);
  return /several lists of records|choose one of/i.test(message);
}

/**
 * Table names from the server's message, e.g. "this database has tables 'orders', 'customers'; choose one with
 * `table`" (the backend's wording) or "several tables: orders, customers." Reads the list after the last word
 * "tables" up to the end of that clause. Returns [] when none can be read (the page then offers a text box).
 */
export function tableNamesFromMessage(message: string): string[] {
  const choose = /choose one of (.*?) with `?table/i.exec(message);
  if (choose?.[1]) return quotedNames(choose[1]);
  const at = message.toLowerCase().lastIndexOf("tables");
  if (at < 0) return [];
  const clause = message.slice(at + "tables".length).split(/;|\.\s|\.$/)[0] ?? "";
  const quoted = quotedNames(clause);
  if (quoted.length > 0) return quoted;
  const names = clause
    .replace(/^\s*(are|is)?\s*:?/i, "")
    .replace(/[[\]]/g, "")
    .split(/,|\band\b/)
    .map((part) => part.trim());
  return [...new Set(names.filter((name) => /^[\w$.-]+$/.test(name)))];
}

function quotedNames(text: string): string[] {
  const quoted = [...text.matchAll(/['"`]([^'"`]+)['"`]/g)].map((match) => match[1] ?? "");
  return [...new Set(quoted.filter((name) => name.trim() !== ""))];
}
