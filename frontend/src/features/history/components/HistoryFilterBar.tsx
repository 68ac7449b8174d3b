import { Search, X } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { useSearchParams } from "react-router";
import { Button } from "../../../components/ui/button";
import { useProjects } from "../../../api/hooks/projects";
import { type HistoryFilters, PRIVATE, isFiltered, readFilters, writeFilters } from "../filters";

const SEARCH_DELAY_MS = 300;

interface HistoryFilterBarProps {
  /** "jobs" or "models", for the controls' names. (Jobs group by status in their own tabs, JobsPage.) */
  kind: "jobs" | "models";
  /** Every tag in the unfiltered list, for the tag menu. */
  tags: readonly string[];
}

/** Search and filters for the Jobs and Models lists, kept in the address; the server does the filtering. */
export function HistoryFilterBar({ kind, tags }: HistoryFilterBarProps) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const projects = useProjects();
  const [text, setText] = useState(filters.q);
  const set = (change: Partial<HistoryFilters>) => setParams((current) => writeFilters(current, change), { replace: true });

  // Typing updates the address (and so the query) once the user pauses, not on every key.
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => set({ q: text }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
    // Only `text` triggers it: `set` is a new function each render, and the address is read fresh inside.
  }, [text]);
  // Back/forward or a shared link changes the address under the box: follow it.
  useEffect(() => setText(filters.q), [filters.q]);

  const tagChoices = filters.tag && !tags.includes(filters.tag) ? [filters.tag, ...tags] : tags;
  return (
    <div role="search" aria-label={`Search ${kind}`} className="flex flex-wrap items-end gap-3">
      <label className="relative block min-w-56 flex-1">
        <span className="sr-only">Search {kind}</span>
        <Search className="pointer-events-none absolute top-2.5 left-3 size-4 text-muted" aria-hidden />
        <input
          className="input pl-9"
          type="search"
          placeholder="Search name, notes, tags, target, algorithm…"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") set({ q: text });
          }}
        />
      </label>
      <div>
        {/* A separate label (not wrapping): a wrapped select would add its chosen option to the label's name. */}
        <label htmlFor={`${id}-tag`} className="block text-xs text-muted">
          Tag
        </label>
        <select id={`${id}-tag`} className="input" value={filters.tag} onChange={(event) => set({ tag: event.target.value })}>
          <option value="">Any tag</option>
          {tagChoices.map((tag) => (
            <option key={tag} value={tag}>
              {tag}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-project`} className="block text-xs text-muted">
          Project
        </label>
        <select id={`${id}-project`} className="input" value={filters.project} onChange={(event) => set({ project: event.target.value })}>
          <option value="">All projects and private</option>
          <option value={PRIVATE}>Private only</option>
          {projects.data?.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
      </div>
      {isFiltered(filters) && (
        <Button
          variant="ghost"
          onClick={() => {
            setText("");
            set({ q: "", tag: "", status: "", project: "" });
          }}
        >
          <X className="size-4" aria-hidden />
          Clear filters
        </Button>
      )}
    </div>
  );
}
