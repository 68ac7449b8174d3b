// Pure logic of the compare page: what to ask the API for, which model is best in each metric row (by the metric's
// direction as the API reports it), and importances aligned into one column order for every model.
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Comparison = Schemas["Comparison"];
export type ComparedModel = Schemas["ComparedModel"];
export type CompareMetric = Schemas["CompareMetric"];

export const MIN_COMPARE = 2;
export const MAX_COMPARE = 8;

/** What the page compares: models by id, or jobs (their delivered models); the URL's `?models=` or `?jobs=`. */
export type CompareTarget = { kind: "models" | "jobs"; ids: string[] };

function splitIds(raw: string | null): string[] {
  if (!raw) return [];
  return [...new Set(raw.split(",").map((part) => part.trim()).filter(Boolean))];
}

/** The target in the URL, or null when it names fewer than two (the page then says how to pick). */
export function parseCompareTarget(search: URLSearchParams): CompareTarget | null {
  const models = splitIds(search.get("models"));
  if (models.length > 0) return models.length >= MIN_COMPARE ? { kind: "models", ids: models } : null;
  const jobs = splitIds(search.get("jobs"));
  return jobs.length >= MIN_COMPARE ? { kind: "jobs", ids: jobs } : null;
}

/** Selection for "pick models, then Compare": toggles one id, keeping the order they were picked in. */
export function toggleSelection(selected: readonly string[], id: string): string[] {
  return selected.includes(id) ? selected.filter((value) => value !== id) : [...selected, id];
}

/** Ids of the models with the best value of `metric` (ties share it); none when fewer than two have a value. */
export function bestOf(models: readonly ComparedModel[], metric: CompareMetric): Set<string> {
  const scored = models.filter((m) => Number.isFinite(m.metrics[metric.name]));
  if (scored.length < 2) return new Set();
  const values = scored.map((m) => m.metrics[metric.name] as number);
  const best = metric.greater_is_better ? Math.max(...values) : Math.min(...values);
  return new Set(scored.filter((m) => m.metrics[metric.name] === best).map((m) => m.id));
}

/** Best per metric row, keyed by metric name. */
export function bestPerMetric(models: readonly ComparedModel[], metrics: readonly CompareMetric[]): Map<string, Set<string>> {
  return new Map(metrics.map((metric) => [metric.name, bestOf(models, metric)]));
}

/** Best of a measured quantity where lower is better (fit time, predict time, size); none when not all differ. */
export function lowestOf(models: readonly ComparedModel[], value: (m: ComparedModel) => number | null | undefined): Set<string> {
  const known = models.filter((m) => Number.isFinite(value(m) ?? NaN));
  if (known.length < 2) return new Set();
  const least = Math.min(...known.map((m) => value(m) as number));
  return new Set(known.filter((m) => value(m) === least).map((m) => m.id));
}

export interface ImportanceRow {
  column: string;
  /** One value per model, in the models' order; null where that model measured nothing for the column. */
  values: (number | null)[];
}

/** Every column any model measured, in one order for all: by the largest absolute importance any model gave it
 * (so the columns that matter to some model come first), then by name. Signs are kept: negative means shuffling
 * the column helped that model. */
export function alignImportances(models: readonly ComparedModel[], limit = 15): ImportanceRow[] {
  const columns = new Set(models.flatMap((m) => Object.keys(m.feature_importance)));
  const weight = (column: string) => Math.max(0, ...models.map((m) => Math.abs(m.feature_importance[column] ?? 0)));
  return [...columns]
    .sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))
    .slice(0, limit)
    .map((column) => ({
      column,
      values: models.map((m) => (column in m.feature_importance ? (m.feature_importance[column] as number) : null)),
    }));
}

/** The largest absolute importance in the table: bars in every model's column share this scale. */
export function importanceScale(rows: readonly ImportanceRow[]): number {
  return Math.max(0, ...rows.flatMap((row) => row.values.map((v) => Math.abs(v ?? 0))));
}
