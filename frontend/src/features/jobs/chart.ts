import type { Trial } from "../../api/types";
import { isRankable } from "./events";

/** Distinct hues readable on both the dark and the light theme; enough for every built-in algorithm; more reuse them. */
export const ALGORITHM_COLORS = [
  "#6366f1",
  "#f59e0b",
  "#10b981",
  "#ec4899",
  "#0ea5e9",
  "#a855f7",
  "#84cc16",
  "#f97316",
  "#14b8a6",
  "#e11d48",
  "#eab308",
  "#94a3b8",
  "#d946ef",
  "#22d3ee",
  "#b45309",
  "#15803d",
] as const;

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
