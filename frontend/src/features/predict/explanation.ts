// Turning a row's explanation (base value + signed contributions per column) into waterfall steps and words. Pure.
import type { Contribution, RowExplanation } from "../../api/types";
import { formatNumber } from "../../lib/format";

export const OTHER_COLUMNS = "other columns";

export type StepKind = "base" | "up" | "down" | "total";

export interface WaterfallStep {
  /** The y-axis label: "OverTime = Yes", "Average row", "This row". */
  label: string;
  kind: StepKind;
  /** Where the bar starts and ends on the output scale (start <= end is not guaranteed: a "down" step falls). */
  start: number;
  end: number;
  /** [low, high] for a range bar. */
  range: [number, number];
  /** The signed change for up/down steps; the value itself for base and total. */
  delta: number;
  /** Text next to the bar: "▲ +12.3 pts", "▼ −0.41", "16.1%". Never colour alone. */
  text: string;
}

/** "probability of Yes", "log-odds of Yes", "predicted delivery_minutes". */
export function scaleLabel(explanation: RowExplanation, target: string): string {
  const of = explanation.explained_class !== null ? ` of ${explanation.explained_class}` : "";
  switch (explanation.output_scale) {
    case "probability":
      return `probability${of}`;
    case "log_odds":
      return `log-odds${of}`;
    case "margin":
      return `score${of} (before softmax)`;
    default:
      return `predicted ${target}`;
  }
}

/** A value on the output scale as text: probabilities as percentages, anything else as a number. */
export function formatOutput(value: number, scale: RowExplanation["output_scale"]): string {
  return scale === "probability" ? `${formatNumber(value * 100, 1)}%` : formatNumber(value, 3);
}

/** A signed change: "+12.3 pts" for probabilities (percentage points), "+0.412" otherwise; a true minus sign. */
export function formatDelta(delta: number, scale: RowExplanation["output_scale"]): string {
  const size = scale === "probability" ? `${formatNumber(Math.abs(delta) * 100, 1)} pts` : formatNumber(Math.abs(delta), 3);
  return `${delta < 0 ? "\u2212" : "+"}${size}`;
}

/** What a contribution's row label says: the column and the value the row has in it. */
export function contributionLabel(contribution: Contribution): string {
  if (contribution.column === OTHER_COLUMNS) return "Other columns";
  const value = contribution.value;
  const shown = value === null || value === undefined || value === "" ? "missing" : String(value);
  return `${contribution.column} = ${shown}`;
}

/** Base value, then each contribution in the server's order (largest first, "other columns" last), then the row's
 *  output: each step starts where the previous one ended. Base and output bars rise from the axis' start
 *  (`axisStart`), so a regression's 40-minute base does not dwarf its 3-minute contributions. */
export function waterfallSteps(explanation: RowExplanation): WaterfallStep[] {
  const scale = explanation.output_scale;
  const base = explanation.base_value;
  const from = axisStart(explanation);
  const steps: WaterfallStep[] = [
    { label: "Average row", kind: "base", start: from, end: base, range: ordered(from, base), delta: base, text: formatOutput(base, scale) },
  ];
  let level = base;
  for (const contribution of explanation.contributions) {
    const delta = contribution.contribution;
    const end = level + delta;
    const kind: StepKind = delta < 0 ? "down" : "up";
    steps.push({
      label: contributionLabel(contribution),
      kind,
      start: level,
      end,
      range: ordered(level, end),
      delta,
      text: `${kind === "down" ? "\u25BC" : "\u25B2"} ${formatDelta(delta, scale)}`,
    });
    level = end;
  }
  const total = explanation.output_value;
  steps.push({ label: "This row", kind: "total", start: from, end: total, range: ordered(from, total), delta: total, text: formatOutput(total, scale) });
  return steps;
}

/** Where the value axis starts: 0 for probabilities; otherwise a little below the lowest level the walk reaches. */
export function axisStart(explanation: RowExplanation): number {
  const levels = [explanation.base_value];
  for (const c of explanation.contributions) levels.push((levels[levels.length - 1] as number) + c.contribution);
  levels.push(explanation.output_value);
  const low = Math.min(...levels);
  if (explanation.output_scale === "probability") return Math.min(0, low);
  const span = Math.max(...levels) - low || Math.abs(low) || 1;
  return low - span * 0.15;
}

/** The output as a probability where the scale allows it: log-odds through the logistic function. */
export function asProbability(explanation: RowExplanation): number | null {
  if (explanation.output_scale === "probability") return explanation.output_value;
  if (explanation.output_scale === "log_odds") return 1 / (1 + Math.exp(-explanation.output_value));
  return null;
}

/** One sentence a screen reader (and the chart's caption) can read: the biggest push either way. */
export function explanationSummary(explanation: RowExplanation, target: string): string {
  const scale = explanation.output_scale;
  const label = scaleLabel(explanation, target);
  const named = explanation.contributions.filter((c) => c.column !== OTHER_COLUMNS);
  const up = named.filter((c) => c.contribution > 0)[0];
  const down = named.filter((c) => c.contribution < 0)[0];
  const parts = [`Starting from the average row's ${label} of ${formatOutput(explanation.base_value, scale)}`];
  if (up) parts.push(`${contributionLabel(up)} raises it most (${formatDelta(up.contribution, scale)})`);
  if (down) parts.push(`${contributionLabel(down)} lowers it most (${formatDelta(down.contribution, scale)})`);
  return `${parts.join("; ")}; this row ends at ${formatOutput(explanation.output_value, scale)}.`;
}

function ordered(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}
