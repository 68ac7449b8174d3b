export interface ImportanceBar {
  feature: string;
  value: number;
  /** 0..100, relative to the largest absolute importance. */
  width: number;
}

/** The `limit` largest importances, largest first, scaled for bars. */
export function importanceBars(importance: Record<string, number>, limit = 15): ImportanceBar[] {
  const entries = Object.entries(importance)
    .filter(([, value]) => Number.isFinite(value))
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, limit);
  const max = Math.max(...entries.map(([, value]) => Math.abs(value)), 0);
  return entries.map(([feature, value]) => ({ feature, value, width: max > 0 ? (Math.abs(value) / max) * 100 : 0 }));
}
