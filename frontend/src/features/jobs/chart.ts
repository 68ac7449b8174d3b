import type { Trial } from "../../api/types";
import { CHART_HUES } from "../../lib/palette";
import { isRankable } from "./events";

/** The algorithms' dots: the dashboard's chart hues (lib/palette.ts), so a colour means the same algorithm all along
 * the run. */
export const ALGORITHM_COLORS = CHART_HUES;

export interface TrialDot {
  trial: number;
  score: number;
  algorithm: string;
  worker: string;
}

export interface AlgorithmSeries {
  algorithm: string;
  color: string;
  points: TrialDot[];
}

export interface FailedMark {
  trial: number;
  /** Where the mark sits: the bottom of the scores drawn, so it lines up under the dots. */
  score: number;
  algorithm: string;
  status: string;
  error: string | null;
}

export interface TrialChartData {
  series: AlgorithmSeries[];
  failed: FailedMark[];
}

/**
 * Per-trial chart data: one series per algorithm (colours fixed by the job's algorithm order, so a colour means the
 * same algorithm all along the run), and the trials that failed or timed out. Running trials have nothing to draw.
 */
export function trialChartData(trials: readonly Trial[], algorithms: readonly string[] = []): TrialChartData {
  const scored = trials.filter(isRankable).sort((a, b) => a.trial_number - b.trial_number);
  const names = [...algorithms];
  for (const trial of scored) if (!names.includes(trial.algorithm)) names.push(trial.algorithm);
  const series: AlgorithmSeries[] = [];
  names.forEach((algorithm, index) => {
    const points = scored
      .filter((trial) => trial.algorithm === algorithm)
      .map((trial) => ({ trial: trial.trial_number, score: trial.score as number, algorithm, worker: trial.worker }));
    const color = ALGORITHM_COLORS[index % ALGORITHM_COLORS.length] ?? ALGORITHM_COLORS[0];
    if (points.length > 0) series.push({ algorithm, color, points });
  });
  const bottom = scored.length > 0 ? Math.min(...scored.map((trial) => trial.score as number)) : 0;
  const failed = trials
    .filter((trial) => trial.status !== "running" && !isRankable(trial))
    .sort((a, b) => a.trial_number - b.trial_number)
    .map((trial) => ({
      trial: trial.trial_number,
      score: bottom,
      algorithm: trial.algorithm,
      status: trial.status,
      error: trial.error,
    }));
  return { series, failed };
}

/** Where a metric's values can lie (MetricInfo.lower/upper): null for no limit on that side. */
export interface ScoreBounds {
  lower: number | null;
  upper: number | null;
}

/**
 * The score axis of the job's charts: the scores' range with a little room either side, never past what the metric
 * can reach (an AUC axis stops at 1, an error at 0), so the padding does not invent impossible values.
 */
export function scoreDomain(values: readonly number[], bounds: ScoreBounds): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [bounds.lower ?? 0, bounds.upper ?? 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = hi > lo ? (hi - lo) * 0.1 : Math.max(Math.abs(hi) * 0.05, 0.01);
  const bottom = bounds.lower === null ? lo - pad : Math.max(bounds.lower, lo - pad);
  const top = bounds.upper === null ? hi + pad : Math.min(bounds.upper, hi + pad);
  // Round outwards to 3 decimals (the ticks' precision) without crossing the bounds.
  const round = (value: number, up: boolean) => (up ? Math.ceil(value * 1000) : Math.floor(value * 1000)) / 1000;
  const low = bounds.lower === null ? round(bottom, false) : Math.max(bounds.lower, round(bottom, false));
  const high = bounds.upper === null ? round(top, true) : Math.min(bounds.upper, round(top, true));
  return high > low ? [low, high] : [low, low + 1];
}
