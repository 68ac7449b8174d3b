// Undo and redo as a plain stack of snapshots: each user action (add, connect, move, delete, a settings change)
// pushes the graph it produced. Pure, so the editor's keyboard shortcuts and buttons share one tested model.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

/** How many steps back undo reaches; older snapshots are dropped. */
export const HISTORY_LIMIT = 100;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new present; what could be redone is gone (a new action starts a new branch). */
export function record<T>(history: History<T>, next: T, limit = HISTORY_LIMIT): History<T> {
  const past = [...history.past, history.present].slice(-limit);
  return { past, present: next, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
