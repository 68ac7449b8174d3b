// Permutation importance (backend engine/final.py): the mean drop in the score when one column's values are
// shuffled. It can be negative: shuffling the column made the score better, so the model gets only noise from it.

export interface ImportanceBar {
  feature: string;
  value: number;
  negative: boolean;
  /** Where the bar starts and how long it is, in percent of the track; zero sits at ImportanceChart.zero. */
  offset: number;
  width: number;
}

export interface ImportanceChart {
  bars: ImportanceBar[];
  /** Where zero sits on the track, in percent from the left: 0 when nothing is negative. */
  zero: number;
  /** Columns with a value left out beyond `limit`. */
  hidden: number;
  anyNegative: boolean;
}

/** The `limit` columns the model relies on most, ranked by signed value (helpful first, noise last), on one axis
 * through zero: positive bars grow right of zero, negative ones left of it, both to the same scale. */
export function importanceBars(importance: Record<string, number>, limit = 15): ImportanceChart {
  const finite = Object.entries(importance).filter(([, value]) => Number.isFinite(value));
  const entries = finite.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  const maxPositive = Math.max(0, ...entries.map(([, value]) => value));
  const maxNegative = Math.max(0, ...entries.map(([, value]) => -value));
  const span = maxPositive + maxNegative;
  const zero = span > 0 ? (maxNegative / span) * 100 : 0;
  const bars = entries.map(([feature, value]): ImportanceBar => {
    const width = span > 0 ? (Math.abs(value) / span) * 100 : 0;
    return { feature, value, negative: value < 0, offset: value < 0 ? zero - width : zero, width };
  });
  return { bars, zero, hidden: finite.length - entries.length, anyNegative: bars.some((bar) => bar.negative) };
}

/** "+0.123", "−0.019" (a true minus sign), "0": the sign is written, never left to the bar's colour. */
export function signedImportance(value: number, digits = 3): string {
  const rounded = Number(value.toFixed(digits));
  if (rounded === 0) return "0";
  const text = Math.abs(rounded).toLocaleString(undefined, { maximumFractionDigits: digits });
  return `${rounded > 0 ? "+" : "\u2212"}${text}`;
}
