// Axis ranges for charts, shared by the results page and the live job monitor.

/** Widens [min, max] to round numbers (37.5..423.6 -> 0..450) so the axis ticks read well. */
export function niceRange(min: number, max: number): { min: number; max: number } {
  const span = max - min;
  if (!(span > 0)) return { min, max: min + 1 };
  const step = 10 ** Math.floor(Math.log10(span)) / 2;
  // toPrecision drops float noise (0.95 rather than 0.9500000000000001) from the tick labels.
  const clean = (value: number) => Number(value.toPrecision(12));
  return { min: clean(Math.floor(min / step) * step), max: clean(Math.ceil(max / step) * step) };
}
