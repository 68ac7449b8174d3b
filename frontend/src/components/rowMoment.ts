// How a list row shows a moment (created, last used, last sign-in): relative, with the exact time as the tooltip. Pure.
import { formatAgo, formatDateTime } from "../lib/time";

export interface RowMoment {
  /** "5 min ago", or the `never` text when nothing happened yet. */
  text: string;
  /** The exact local date and time, for the cell's tooltip; none when nothing happened yet. */
  title: string | undefined;
}

export function rowMoment(value: string | null | undefined, never = "Never", now = Date.now()): RowMoment {
  if (!value) return { text: never, title: undefined };
  return { text: formatAgo(value, now), title: formatDateTime(value) };
}
