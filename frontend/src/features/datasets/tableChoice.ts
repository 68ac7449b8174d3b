// A SQLite file with several tables is refused with 422 and a message naming them (docs/api.md); the Data page
// then asks which table to import. The message is prose, so its table names are read out of it here.

const SQLITE_EXTENSIONS = [".db", ".sqlite", ".sqlite3"];

export function isSqliteFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return SQLITE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function needsTableChoice(status: number, fileName: string, message: string): boolean {
  return status === 422 && isSqliteFile(fileName) && /\btables?\b/i.test(message);
}

/**
 * Table names from messages such as "The file has several tables: orders, customers. Send it again with table."
 * or "several tables ['orders', 'customers']". Returns [] when none can be read (the page then offers a text box).
 */
export function tableNamesFromMessage(message: string): string[] {
  const bracketed = /\[([^\]]*)\]/.exec(message);
  let list = bracketed?.[1];
  if (list === undefined) {
    const afterColon = /tables?[^:]*:\s*([^.;]*(?:\.[^\s.;][^.;]*)*)/i.exec(message);
    list = afterColon?.[1];
  }
  if (list === undefined) return [];
  const names = list
    .split(/,|\band\b/)
    .map((part) => part.trim().replace(/^["'`]+|["'`]+$/g, "").trim())
    .filter((name) => /^[\w$.-]+$/.test(name));
  return [...new Set(names)];
}
