// The Jobs and Models lists' filters live in the page address (?q=&tag=&status=&project=), so a filtered view can be
// bookmarked or sent to a colleague; the server does the filtering (the same query parameters an API user sends).
import { JOB_STATUSES, type JobStatus } from "../../api/types";

export interface HistoryFilters {
  /** Words to find in name, notes, tags, target or algorithm. */
  q: string;
  tag: string;
  /** Jobs only; "" for every status. */
  status: JobStatus | "";
  /** A project id, "private" (in no project), or "" for all. */
  project: string;
}

export const NO_FILTERS: HistoryFilters = { q: "", tag: "", status: "", project: "" };

/** What the server takes for `project_id` to mean "in no project". */
export const PRIVATE = "private";

function isStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export function readFilters(params: URLSearchParams): HistoryFilters {
  const status = params.get("status") ?? "";
  return {
    q: params.get("q") ?? "",
    tag: params.get("tag") ?? "",
    status: isStatus(status) ? status : "",
    project: params.get("project") ?? "",
  };
}

/** The address's parameters with `change` applied; empty values are dropped, other parameters kept. */
export function writeFilters(params: URLSearchParams, change: Partial<HistoryFilters>): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const [key, value] of Object.entries(change)) {
    if (value) next.set(key, value);
    else next.delete(key);
  }
  return next;
}

export interface HistoryQuery {
  q?: string;
  tag?: string;
  status?: JobStatus;
  project_id?: string;
}

/** The REST query parameters for these filters; blanks are left out so the server applies no filter for them. */
export function toQuery(filters: HistoryFilters): HistoryQuery {
  const query: HistoryQuery = {};
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.tag) query.tag = filters.tag;
  if (filters.status) query.status = filters.status;
  if (filters.project) query.project_id = filters.project;
  return query;
}

export function isFiltered(filters: HistoryFilters): boolean {
  return Boolean(filters.q.trim() || filters.tag || filters.status || filters.project);
}

/** Every tag on these items once (the first spelling of tags that differ only in case), sorted, for the tag menu. */
export function tagsOf(items: readonly { tags?: readonly string[] | null }[]): string[] {
  const seen = new Map<string, string>();
  for (const item of items) {
    for (const tag of item.tags ?? []) {
      if (!seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
    }
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: "base" }));
}
