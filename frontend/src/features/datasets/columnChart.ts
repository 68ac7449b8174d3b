// Shapes a column profile (GET /api/datasets/{id}/stats) into the bars of its small inline chart: a histogram for
// numbers, the most frequent values for labels. Pure, so the shaping is tested without rendering.
import type { CellValue, ColumnProfile, HistogramBin, TopValue } from "../../api/types";
import { formatCell, formatNumber } from "../../lib/format";

export interface Bar {
  label: string;
  count: number;
  /** Height or length relative to the largest bar, 0..1. */
  size: number;
  /** Share of the column's non-missing values, 0..1. */
  share: number;
}

export type ColumnChart =
  | { type: "histogram"; bars: Bar[]; total: number }
  | { type: "top-values"; bars: Bar[]; total: number; otherCount: number; otherShare: number };

const TOP_BARS = 4;

function bars(items: { label: string; count: number }[], total: number): Bar[] {
  const largest = Math.max(0, ...items.map((item) => item.count));
  return items.map((item) => ({
    label: item.label,
    count: item.count,
    size: largest > 0 ? item.count / largest : 0,
    share: total > 0 ? item.count / total : 0,
  }));
}

export function histogramBars(bins: readonly HistogramBin[]): Bar[] {
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  return bars(
    bins.map((bin) => ({
      label: bin.start === bin.end ? formatNumber(bin.start, 3) : `${formatNumber(bin.start, 3)} to ${formatNumber(bin.end, 3)}`,
      count: bin.count,
    })),
    total,
  );
}

export function valueLabel(value: CellValue): string {
  if (value === null) return "(missing)";
  if (value === "") return "(empty text)";
  return formatCell(value);
}

/** The `limit` most frequent values, with everything else (values past the server's top ten too) as "other". */
export function topValueBars(top: readonly TopValue[], nonMissing: number, limit = TOP_BARS) {
  const shown = top.slice(0, limit);
  const shownCount = shown.reduce((sum, item) => sum + item.count, 0);
  const total = Math.max(nonMissing, shownCount);
  const otherCount = total - shownCount;
  return {
    bars: bars(
      shown.map((item) => ({ label: valueLabel(item.value), count: item.count })),
      total,
    ),
    total,
    otherCount,
    otherShare: total > 0 ? otherCount / total : 0,
  };
}

/** The chart for one column, or null when its profile carries nothing to draw (dates, an all-missing column). */
export function columnChart(profile: ColumnProfile, nRows: number): ColumnChart | null {
  const nonMissing = Math.max(0, nRows - profile.missing);
  if (profile.histogram && profile.histogram.length > 0) {
    const histogram = histogramBars(profile.histogram);
    return { type: "histogram", bars: histogram, total: histogram.reduce((sum, bar) => sum + bar.count, 0) };
  }
  if (profile.top_values && profile.top_values.length > 0) {
    return { type: "top-values", ...topValueBars(profile.top_values, nonMissing) };
  }
  return null;
}
