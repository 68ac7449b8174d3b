// The Clusters tab's scatter on a canvas: the numbers behind the drawing (extents, ticks, data to pixels, the point
// under the pointer), kept apart from the canvas calls so they can be tested. Pure.

export interface XY {
  x: number;
  y: number;
}

export interface Extent {
  min: number;
  max: number;
}

/** The plot area inside the canvas, in CSS pixels. */
export interface PlotBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The smallest and largest x and y over every point (non-finite values skipped); null when there are none. */
export function dataExtent(points: Iterable<XY>): { x: Extent; y: Extent } | null {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const { x, y } of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (xMin > xMax) return null;
  return { x: { min: xMin, max: xMax }, y: { min: yMin, max: yMax } };
}

/** Round tick values (steps of 1, 2 or 5 times a power of ten) covering [min, max], about `count` of them; the
 *  first is at or below min and the last at or above max, so they double as the axis' domain. A single value gets
 *  a unit-wide range around it, so the one column of points sits in the middle rather than on an edge. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  let low = Math.min(min, max);
  let high = Math.max(min, max);
  if (high - low === 0) {
    const pad = low === 0 ? 1 : Math.abs(low) / 2;
    low -= pad;
    high += pad;
  }
  // d3's choice of step: the raw step rounded to 1, 2, 5 or 10 in log space, so the count lands near `count`.
  const raw = (high - low) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const step = power * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const first = Math.floor(low / step);
  const last = Math.ceil(high / step);
  // toPrecision drops float noise (0.30000000000000004) from the labels; the index times the step, not a running
  // sum, so the error does not grow along the axis.
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
}

/** Maps data to pixels in `box`: x grows rightwards, y upwards (the canvas' y grows downwards). */
export function pixelMapper(x: Extent, y: Extent, box: PlotBox): (point: XY) => XY {
  const xSpan = x.max - x.min || 1;
  const ySpan = y.max - y.min || 1;
  return (point) => ({
    x: box.left + ((point.x - x.min) / xSpan) * box.width,
    y: box.top + box.height - ((point.y - y.min) / ySpan) * box.height,
  });
}

/** The index of the pixel position nearest to `at` within `radius` pixels, or null. A plain scan: the scatter holds
 *  at most a few thousand points, and this runs once per pointer move. */
export function nearestPoint(pixels: readonly XY[], at: XY, radius: number): number | null {
  let best: number | null = null;
  let bestDistance = radius * radius;
  for (let i = 0; i < pixels.length; i += 1) {
    const p = pixels[i] as XY;
    const distance = (p.x - at.x) ** 2 + (p.y - at.y) ** 2;
    // <=: of points drawn on top of each other the last one, the one drawn on top, wins.
    if (distance <= bestDistance) {
      best = i;
      bestDistance = distance;
    }
  }
  return best;
}
