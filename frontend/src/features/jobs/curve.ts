// The best-score-versus-time curve: GET /api/results/job/{id}/curve, extended live by finished trials. Pure.
import type { Trial } from "../../api/types";
import { parseUtc } from "../../lib/time";
import { hasScore } from "./trials";
import type { Curve } from "../../api/hooks/jobs";

function improves(curve: Curve, score: number): boolean {
  const last = curve.points.at(-1);
  if (!last) return true;
  return curve.greater_is_better ? score > last.best_score : score < last.best_score;
}

/**
 * Appends a finished trial when it beats the best so far, as the server would have (`seconds` after `startMs`,
 * the job's start). A replayed trial, an unscored one or one that is no better leaves the curve as it is.
 */
export function extendCurve(curve: Curve, trial: Trial, startMs: number | null): Curve {
  if (!hasScore(trial) || startMs === null) return curve;
  if (curve.points.some((point) => point.trial_number === trial.trial_number)) return curve;
  if (!improves(curve, trial.score)) return curve;
  const finished = parseUtc(trial.finished_at) ?? parseUtc(trial.started_at);
  const seconds = finished === null ? (curve.points.at(-1)?.seconds ?? 0) : Math.max(0, (finished - startMs) / 1000);
  const point = { seconds, best_score: trial.score, trial_number: trial.trial_number, algorithm: trial.algorithm };
  return { ...curve, points: [...curve.points, point] };
}

export interface CurveChartPoint {
  seconds: number;
  best: number;
  /** The trial that set this best; null on the point that only carries the line on to "now". */
  trial: number | null;
  algorithm: string | null;
}

/**
 * The points to draw as a step line. While the job runs the last best is carried on to `untilSeconds` (now), so
 * the line shows how long the search has gone without improving.
 */
export function curveChartPoints(curve: Curve, untilSeconds: number | null): CurveChartPoint[] {
  const points: CurveChartPoint[] = curve.points.map((p) => ({
    seconds: p.seconds,
    best: p.best_score,
    trial: p.trial_number,
    algorithm: p.algorithm,
  }));
  const last = points.at(-1);
  if (last && untilSeconds !== null && untilSeconds > last.seconds) {
    points.push({ seconds: untilSeconds, best: last.best, trial: null, algorithm: null });
  }
  return points;
}
