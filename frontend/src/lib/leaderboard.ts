// Sorting the trials table and summarising scores per algorithm. Pure.
import type { Leaderboard, Trial } from "../api/types";
import { niceRange } from "./axis";

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

/** The model the job delivered, placed among its trials by the server (GET .../leaderboard `delivered`). */
export type Delivered = NonNullable<Leaderboard["delivered"]>;

/**
 * Ranks with the delivered ensemble counted as a row of its own: trials from its rank down move one place. A
 * delivered single trial already is a row, so nothing moves.
 */
export function ranksWithDelivered(ranks: ReadonlyMap<number, number>, delivered: Delivered | null): Map<number, number> {
  if (!delivered || delivered.kind !== "ensemble" || delivered.rank === null) return new Map(ranks);
  const at = delivered.rank;
  return new Map([...ranks].map(([trial, rank]) => [trial, rank >= at ? rank + 1 : rank]));
}

/**
 * Where the delivered ensemble's row goes among the table's rows, given each row's trial rank (null for running or
 * unscored rows): when sorted by score, just before the first row it outranks (after the last one it does not, best
 * last), so grouped and flat views alike place it by score; under another sort, on top, where it is found first.
 */
export function deliveredRowIndex(rowRanks: readonly (number | null)[], delivered: Delivered | null, sort: TrialSort): number | null {
  if (!delivered || delivered.kind !== "ensemble") return null;
  const at = delivered.rank;
  if (sort.key !== "score" || at === null) return 0;
  const after = (rank: number) => (sort.direction === "desc" ? rank >= at : rank < at);
  const index = rowRanks.findIndex((rank) => rank !== null && after(rank));
  if (index !== -1) return index;
  return rowRanks.reduce<number>((last, rank, i) => (rank !== null ? i + 1 : last), 0);
}

/** Is this trial the model the job delivered (the trophy row when no ensemble was delivered)? */
export function isDeliveredTrial(trial: Trial, delivered: Delivered | null): boolean {
  return delivered?.kind === "trial" && delivered.trial_number === trial.trial_number;
}

export interface AlgorithmGroup {
  algorithm: string;
  /** The group's best trial by score (its first trial when none has a score): the row shown collapsed. */
  best: Trial;
  /** The algorithm's other trials, in the table's order. */
  others: Trial[];
}

/**
 * The trials of each algorithm as one group, so 80 near-identical trials read as a handful of algorithms: groups in
 * the order of their best trials under `sort`, each group's other trials in the same order.
 */
export function groupByAlgorithm(trials: readonly Trial[], sort: TrialSort, greaterIsBetter: boolean): AlgorithmGroup[] {
  const byAlgorithm = new Map<string, Trial[]>();
  for (const trial of trials) byAlgorithm.set(trial.algorithm, [...(byAlgorithm.get(trial.algorithm) ?? []), trial]);
  const best = { key: "score", direction: "desc" } as const;
  const groups = [...byAlgorithm].map(([algorithm, members]) => {
    const [top, ...rest] = sortTrials(members, best, greaterIsBetter) as [Trial, ...Trial[]];
    return { algorithm, best: top, others: sortTrials(rest, sort, greaterIsBetter) };
  });
  const order = sortTrials(
    groups.map((group) => group.best),
    sort,
    greaterIsBetter,
  );
  return order.map((trial) => groups.find((group) => group.best === trial) as AlgorithmGroup);
}

/** The validation every scored trial used, or null when they differ or it was not recorded. */
export function trialsValidation(trials: readonly Trial[]): "cv" | "holdout" | null {
  const methods = new Set(trials.filter(hasScore).map((trial) => trial.validation));
  const [only] = [...methods];
  return methods.size === 1 && (only === "cv" || only === "holdout") ? only : null;
}

/** A holdout trial was scored on one split: it has no spread to show. */
export function hasSpread(trial: Trial): boolean {
  return trial.validation !== "holdout" && typeof trial.score_std === "number";
}

/**
 * The sentence under a table of scores. `validationLabel` is the API's words for the job's validation
 * (JobPublic/TrainedModelPublic.validation_label), so the caption says what the header and the model card say.
 */
export function scoresCaption(
  metricLabel: string,
  greaterIsBetter: boolean,
  validationLabel: string,
  method: "cv" | "holdout" | null,
): string {
  const better = `${greaterIsBetter ? "Higher" : "Lower"} ${metricLabel} is better.`;
  if (method === "holdout") {
    return `${better} Validation: ${validationLabel}. Each score comes from that one split, so there is no spread (±).`;
  }
  if (method === "cv") {
    return `${better} Validation: ${validationLabel}. Scores are averages over the folds; ± is how much they varied between folds.`;
  }
  return `${better} Validation: ${validationLabel}.`;
}

/** An ensemble's members in words: "Ridge regression ×2 · LightGBM" (labels from the API, in the members' order). */
export function membersSummary(members: readonly { algorithm: string }[], label: (name: string) => string): string {
  const counts = new Map<string, number>();
  for (const member of members) counts.set(member.algorithm, (counts.get(member.algorithm) ?? 0) + 1);
  return [...counts].map(([name, count]) => (count > 1 ? `${label(name)} ×${count}` : label(name))).join(" · ");
}
