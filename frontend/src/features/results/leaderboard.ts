// Sorting the trials table and summarising scores per algorithm. Pure.
import type { Trial } from "../../api/types";
import { niceRange } from "./evaluation";

export type TrialSortKey = "score" | "algorithm" | "fit_time" | "predict_time" | "trial";
export type SortDirection = "asc" | "desc";

export interface TrialSort {
  key: TrialSortKey;
  direction: SortDirection;
}

function hasScore(trial: Trial): trial is Trial & { score: number } {
  return trial.status === "completed" && typeof trial.score === "number" && Number.isFinite(trial.score);
}

/**
 * "Score, descending" means best first whatever the metric's direction (an error like RMSE is best when lowest),
 * so clicking the score header always starts with the winners. Trials without a score always sort last.
 */
export function sortTrials(trials: readonly Trial[], sort: TrialSort, greaterIsBetter: boolean): Trial[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  const compare = (a: Trial, b: Trial): number => {
    switch (sort.key) {
      case "score": {
        const quality = (t: Trial & { score: number }) => (greaterIsBetter ? t.score : -t.score);
        if (hasScore(a) && hasScore(b)) return sign * (quality(a) - quality(b));
        return 0;
      }
      case "algorithm":
        return sign * a.algorithm.localeCompare(b.algorithm);
      case "fit_time":
        return sign * (a.fit_time - b.fit_time);
      case "predict_time":
        return sign * (a.predict_time_per_row - b.predict_time_per_row);
      case "trial":
        return sign * (a.trial_number - b.trial_number);
    }
  };
  return [...trials].sort((a, b) => {
    if (sort.key === "score" && hasScore(a) !== hasScore(b)) return hasScore(a) ? -1 : 1;
    return compare(a, b) || a.trial_number - b.trial_number;
  });
}

/** Clicking the current column flips it; a new column starts descending (best, slowest, Z→A...) except text and trial order. */
export function nextSort(current: TrialSort, key: TrialSortKey): TrialSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: key === "algorithm" || key === "trial" ? "asc" : "desc" };
}

/** Rank 1 is the best scored trial; trials without a score get none. */
export function rankOf(trials: readonly Trial[], greaterIsBetter: boolean): Map<number, number> {
  const ranked = sortTrials(trials.filter(hasScore), { key: "score", direction: "desc" }, greaterIsBetter);
  return new Map(ranked.map((trial, index) => [trial.trial_number, index + 1]));
}

export interface AlgorithmBest {
  algorithm: string;
  best: number;
  trials: number;
}

/** The best score each algorithm reached, best algorithm first. */
export function bestPerAlgorithm(trials: readonly Trial[], greaterIsBetter: boolean): AlgorithmBest[] {
  const byAlgorithm = new Map<string, AlgorithmBest>();
  for (const trial of trials) {
    if (!hasScore(trial)) continue;
    const entry = byAlgorithm.get(trial.algorithm);
    if (!entry) {
      byAlgorithm.set(trial.algorithm, { algorithm: trial.algorithm, best: trial.score, trials: 1 });
      continue;
    }
    entry.trials += 1;
    if (greaterIsBetter ? trial.score > entry.best : trial.score < entry.best) entry.best = trial.score;
  }
  return [...byAlgorithm.values()].sort((a, b) => (greaterIsBetter ? b.best - a.best : a.best - b.best) || a.algorithm.localeCompare(b.algorithm));
}

/**
 * The score axis of the per-algorithm chart: zoomed to the scores' range (rounded outwards), since a zero baseline
 * would draw 0.80 and 0.90 as near-identical bars; zero-based when there is nothing to compare.
 */
export function scoreAxisDomain(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (hi - lo <= 0) {
    const bottom = Math.min(0, lo);
    const top = Math.max(0, hi);
    return [bottom, top > bottom ? top : bottom + 1];
  }
  // Leave room below the lowest bar so it still shows as a bar, not a sliver.
  const { min, max } = niceRange(lo - (hi - lo) * 0.25, hi);
  return [min, max];
}
