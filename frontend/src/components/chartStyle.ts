// Shared Recharts styling: colours from the theme's CSS variables, so charts follow dark and light mode.
export const axisProps = { stroke: "var(--muted)", fontSize: 12, tickLine: false } as const;

export const tooltipStyle = {
  contentStyle: { background: "var(--raised)", border: "1px solid var(--line)", borderRadius: 8, color: "var(--fg)" },
  labelStyle: { color: "var(--muted)" },
  itemStyle: { color: "var(--fg)" },
} as const;

/** Series colours: the theme's first, then hues readable on both the dark and the light background. */
export const SERIES_COLOURS = ["var(--accent)", "var(--ok)", "var(--warn)", "var(--danger)", "#0ea5e9", "#d946ef", "#14b8a6", "#f97316"];

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] as string;
}
