// The dashboard's categorical chart hues: one per algorithm on the job's charts, one per cluster on a clustering
// model's. Pure data.

/** Distinct hues, each at least 3:1 against every background of both themes (WCAG 1.4.11, non-text contrast;
 * features/jobs/chartColors.test.ts checks them against index.css); enough for every built-in algorithm; more reuse
 * them. */
export const CHART_HUES = [
  "#6366f1",
  "#ea580c",
  "#059669",
  "#db2777",
  "#0284c7",
  "#a855f7",
  "#4d7c0f",
  "#b45309",
  "#0d9488",
  "#e11d48",
  "#a16207",
  "#64748b",
  "#c026d3",
  "#0891b2",
  "#c2410c",
  "#15803d",
] as const;

/** The grey among the hues: rows a clustering left out (noise) are drawn in it, so no cluster may use it. */
export const NOISE_HUE = "#64748b";

/** The hues a cluster may take: every one but the noise grey. */
export const CLUSTER_HUES: readonly string[] = CHART_HUES.filter((hue) => hue !== NOISE_HUE);
