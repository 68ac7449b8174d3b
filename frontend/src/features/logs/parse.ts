// Server and job logs are loguru lines (backend/flowml/core/logging.py, services/logs.py):
//   "2026-11-23 00:12:33.893 | INFO     | job 5a37… started"
// A message spanning several lines (a traceback) continues on lines without that prefix; they belong to the entry
// above them, so filtering keeps or drops them together.

export const LEVELS = ["TRACE", "DEBUG", "INFO", "SUCCESS", "WARNING", "ERROR", "CRITICAL"] as const;
export type Level = (typeof LEVELS)[number];

export interface LogEntry {
  /** Position of the entry's first line in the lines fetched: unique, so a React key. */
  index: number;
  time: string | null;
  level: Level | null;
  message: string;
  /** Lines that followed without a prefix (traceback, multi-line message). */
  more: string[];
}

const LINE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) \| ([A-Za-z]+)\s*\| ?(.*)$/;

function asLevel(name: string): Level | null {
  const upper = name.toUpperCase();
  return (LEVELS as readonly string[]).includes(upper) ? (upper as Level) : null;
}

export function parseLog(lines: readonly string[]): LogEntry[] {
  const entries: LogEntry[] = [];
  lines.forEach((line, index) => {
    const match = LINE.exec(line);
    if (match) {
      entries.push({ index, time: match[1] ?? null, level: asLevel(match[2] ?? ""), message: match[3] ?? "", more: [] });
      return;
    }
    const last = entries.at(-1);
    // Lines before the first prefixed one (the tail cut a traceback in half) stand on their own.
    if (last) last.more.push(line);
    else entries.push({ index, time: null, level: null, message: line, more: [] });
  });
  return entries;
}

/** The level choices of the filter: "all", or a minimum level. */
export type LevelFilter = "all" | "DEBUG" | "INFO" | "WARNING" | "ERROR";

export const LEVEL_FILTERS: { value: LevelFilter; label: string }[] = [
  { value: "all", label: "Everything" },
  { value: "DEBUG", label: "Debug and above" },
  { value: "INFO", label: "Info and above" },
  { value: "WARNING", label: "Warnings and errors" },
  { value: "ERROR", label: "Errors only" },
];

function rank(level: Level): number {
  return LEVELS.indexOf(level);
}

// uvicorn's access line as loguru writes it: `127.0.0.1:51234 - "GET /assets/index-abc.js HTTP/1.1" 200`.
const ACCESS = /^\S+ - "(?:GET|HEAD) ([^" ?]+)(?:\?[^" ]*)? HTTP\/[\d.]+" (\d{3})/;
// The dashboard's own files: the built bundle under /assets/ and the files at the site's root.
const STATIC_FILE = /^\/assets\/|\.(?:js|mjs|css|map|svg|png|jpe?g|gif|webp|ico|woff2?|ttf|webmanifest|txt)$/i;

/** A successful request for one of the dashboard's static files: every page load writes a dozen, and they bury
 * what an admin opens the log for. A failed one (4xx/5xx) is not counted: a missing file is worth seeing. */
export function isStaticAssetRequest(entry: LogEntry): boolean {
  const match = ACCESS.exec(entry.message);
  if (!match) return false;
  const [, path = "", status = ""] = match;
  return STATIC_FILE.test(path) && Number(status) < 400;
}

export interface LogFilterOptions {
  /** Leave out successful static-file requests (isStaticAssetRequest); the Logs page starts with this on. */
  hideAssets?: boolean;
}

/** Entries at or above the chosen level whose text contains `search` (any case). Unlevelled lines show only under "all". */
export function filterLog(
  entries: readonly LogEntry[],
  level: LevelFilter,
  search: string,
  { hideAssets = false }: LogFilterOptions = {},
): LogEntry[] {
  const needle = search.trim().toLowerCase();
  return entries.filter((entry) => {
    if (hideAssets && isStaticAssetRequest(entry)) return false;
    if (level !== "all" && (entry.level === null || rank(entry.level) < rank(level))) return false;
    if (!needle) return true;
    return [entry.message, entry.time ?? "", entry.level ?? "", ...entry.more].some((text) =>
      text.toLowerCase().includes(needle),
    );
  });
}

/** Entries per level, for the counts next to the filter. */
export function countLevels(entries: readonly LogEntry[]): Partial<Record<Level, number>> {
  const counts: Partial<Record<Level, number>> = {};
  for (const entry of entries) if (entry.level) counts[entry.level] = (counts[entry.level] ?? 0) + 1;
  return counts;
}

/** Tailwind text colour per level: errors stand out, chatter recedes. */
export function levelClass(level: Level | null): string {
  switch (level) {
    case "CRITICAL":
    case "ERROR":
      return "text-danger";
    case "WARNING":
      return "text-warn";
    case "SUCCESS":
      return "text-ok";
    case "INFO":
      return "text-accent";
    case "DEBUG":
    case "TRACE":
      return "text-muted";
    default:
      return "text-fg";
  }
}

/** Whether a scrolled box is at (or within a few pixels of) its bottom: following resumes there. */
export function isAtBottom(box: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack = 24): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= slack;
}
