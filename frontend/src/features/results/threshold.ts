// A binary model's decision threshold, computed from the evaluation's threshold table (the server counts TP, FP,
// TN and FN per threshold from out-of-fold predictions; this file only does arithmetic on those counts). Pure.
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type ThresholdTable = Schemas["ThresholdTable"];
export type ThresholdPoint = Schemas["ThresholdPoint"];
export type GainsPoint = Schemas["GainsPoint"];
export type ThresholdCosts = Schemas["ThresholdCosts"];
export type ChosenBy = Schemas["DecisionThreshold"]["chosen_by"];

/** What the model predicts by default: the more likely class, i.e. a threshold of 0.5. */
export const DEFAULT_THRESHOLD = 0.5;

export interface ThresholdMetrics {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Of the rows predicted positive, the share that really are; null when none is predicted positive. */
  precision: number | null;
  /** Of the real positives, the share the model finds; null when there are no positives. */
  recall: number | null;
  /** Harmonic mean of precision and recall; 0 when the model finds no positive. */
  f1: number | null;
  accuracy: number | null;
  /** Share of all rows predicted positive. */
  flagged: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function metricsOf(point: ThresholdPoint): ThresholdMetrics {
  const { tp, fp, tn, fn } = point;
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = tp + fn === 0 ? null : ratio(2 * tp, 2 * tp + fp + fn);
  const total = tp + fp + tn + fn;
  return { threshold: point.threshold, tp, fp, tn, fn, precision, recall, f1, accuracy: ratio(tp + tn, total), flagged: ratio(tp + fp, total) };
}

/** Thresholds a user may choose: strictly between 0 and 1 (0 and 1 would predict one class for every row). */
export function choosable(table: ThresholdTable): ThresholdPoint[] {
  return [...table.points].filter((p) => p.threshold > 0 && p.threshold < 1).sort((a, b) => a.threshold - b.threshold);
}

/** The table's point nearest to `threshold` (the slider moves over the table's own thresholds). */
export function pointAt(table: ThresholdTable, threshold: number): ThresholdPoint | null {
  let best: ThresholdPoint | null = null;
  for (const point of choosable(table)) {
    if (best === null || Math.abs(point.threshold - threshold) < Math.abs(best.threshold - threshold)) best = point;
  }
  return best;
}

/** The choosable point that maximises (or minimises) `score`; ties go to the threshold nearest 0.5, the default. */
function bestBy(table: ThresholdTable, score: (p: ThresholdPoint) => number | null, better: (a: number, b: number) => boolean): ThresholdPoint | null {
  let best: { point: ThresholdPoint; value: number } | null = null;
  for (const point of choosable(table)) {
    const value = score(point);
    if (value === null || !Number.isFinite(value)) continue;
    const tie = best !== null && value === best.value;
    const closer = best !== null && Math.abs(point.threshold - DEFAULT_THRESHOLD) < Math.abs(best.point.threshold - DEFAULT_THRESHOLD);
    if (best === null || better(value, best.value) || (tie && closer)) best = { point, value };
  }
  return best?.point ?? null;
}

export function bestF1(table: ThresholdTable): ThresholdPoint | null {
  return bestBy(table, (p) => metricsOf(p).f1, (a, b) => a > b);
}

/** Total cost of the mistakes at a point: false positives times their cost plus false negatives times theirs. */
export function costAt(point: ThresholdPoint, costs: ThresholdCosts): number {
  return point.fp * costs.false_positive + point.fn * costs.false_negative;
}

export function bestCost(table: ThresholdTable, costs: ThresholdCosts): ThresholdPoint | null {
  return bestBy(table, (p) => costAt(p, costs), (a, b) => a < b);
}

/** Costs the user typed, or why they cannot be used (the server checks the same bounds). */
export function parseCosts(falsePositive: string, falseNegative: string): { costs: ThresholdCosts } | { error: string } {
  const fp = Number(falsePositive);
  const fn = Number(falseNegative);
  if (falsePositive.trim() === "" || falseNegative.trim() === "" || !Number.isFinite(fp) || !Number.isFinite(fn)) {
    return { error: "Enter both costs as numbers." };
  }
  if (fp < 0 || fn < 0) return { error: "Costs cannot be negative." };
  if (fp === 0 && fn === 0) return { error: "At least one of the costs must be more than 0." };
  return { costs: { false_positive: fp, false_negative: fn } };
}

// ---------------------------------------------------------------- gains and lift

export interface GainsRow {
  /** Share of rows contacted, 0..100, most likely positives first. */
  pct: number;
  /** Share of all positives among them, 0..100. */
  model: number;
  /** What picking rows at random would capture: the diagonal. */
  random: number;
  /** How many times better than random; null at 0% of rows. */
  lift: number | null;
}

export function gainsRows(gains: readonly GainsPoint[]): GainsRow[] {
  return [...gains]
    .filter((g) => Number.isFinite(g.fraction) && Number.isFinite(g.captured))
    .sort((a, b) => a.fraction - b.fraction)
    .map((g) => ({ pct: g.fraction * 100, model: g.captured * 100, random: g.fraction * 100, lift: g.fraction > 0 ? g.captured / g.fraction : null }));
}

/** Where the threshold sits on the gains curve: the share of rows it flags and of positives it catches (0..100). */
export function gainsMarker(point: ThresholdPoint): { pct: number; model: number; lift: number | null } | null {
  const total = point.tp + point.fp + point.tn + point.fn;
  const positives = point.tp + point.fn;
  if (total === 0 || positives === 0) return null;
  const pct = ((point.tp + point.fp) / total) * 100;
  const model = (point.tp / positives) * 100;
  return { pct, model, lift: pct > 0 ? model / pct : null };
}

// ---------------------------------------------------------------- the saved threshold (in the model card)

export interface SavedThreshold {
  value: number;
  chosenBy: ChosenBy;
  costs: ThresholdCosts | null;
  setAt: string | null;
  setBy: string | null;
}

const CHOSEN_BY: readonly ChosenBy[] = ["best_f1", "best_cost", "manual"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The card's `decision_threshold` (PUT /api/results/model/{id}/threshold), read defensively; null when unset. */
export function readSavedThreshold(model: { card: unknown }): SavedThreshold | null {
  const entry = isObject(model.card) ? model.card.decision_threshold : undefined;
  if (!isObject(entry) || typeof entry.value !== "number") return null;
  const chosenBy = CHOSEN_BY.find((c) => c === entry.chosen_by) ?? "manual";
  const costs = isObject(entry.costs) && typeof entry.costs.false_positive === "number" && typeof entry.costs.false_negative === "number"
    ? { false_positive: entry.costs.false_positive, false_negative: entry.costs.false_negative }
    : null;
  return {
    value: entry.value,
    chosenBy,
    costs,
    setAt: typeof entry.set_at === "string" ? entry.set_at : null,
    setBy: typeof entry.set_by === "string" ? entry.set_by : null,
  };
}

export function formatThreshold(value: number): string {
  return Number(value.toFixed(4)).toString();
}

/** "0.37, chosen for best F1"; "0.5 (default: the more likely class)" when none is saved. */
export function describeThreshold(saved: SavedThreshold | null): string {
  if (saved === null) return `${DEFAULT_THRESHOLD} (default: the more likely class)`;
  const value = formatThreshold(saved.value);
  if (saved.chosenBy === "best_f1") return `${value}, chosen for best F1`;
  if (saved.chosenBy === "best_cost") {
    const costs = saved.costs ? ` (false positive ${saved.costs.false_positive}, false negative ${saved.costs.false_negative})` : "";
    return `${value}, chosen for lowest cost${costs}`;
  }
  return `${value}, set by hand`;
}
