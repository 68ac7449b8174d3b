import type { Trial } from "../../api/types";
import { isRankable } from "./events";

export interface BestPoint {
  trial: number;
  score: number;
  best: number;
  algorithm: string;
}

/** The running best score after each completed trial, in trial order. */
export function bestScoreSeries(trials: readonly Trial[], greaterIsBetter: boolean): BestPoint[] {
  const ordered = trials.filter(isRankable).sort((a, b) => a.trial_number - b.trial_number);
  const points: BestPoint[] = [];
  let best: number | undefined;
  for (const trial of ordered) {
    const score = trial.score as number;
    if (best === undefined || (greaterIsBetter ? score > best : score < best)) best = score;
    points.push({ trial: trial.trial_number, score, best, algorithm: trial.algorithm });
  }
  return points;
}
