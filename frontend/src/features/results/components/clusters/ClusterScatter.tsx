import { type PointerEvent, useEffect, useMemo, useRef, useState } from "react";
import type { ClusterProjection } from "../../../../api/types";
import { EmptyState } from "../../../../components/States";
import { formatNumber } from "../../../../lib/format";
import { projectionAxisLabel, projectionSample, type ScatterSeries, scatterSeries } from "../../clusters";
import { dataExtent, nearestPoint, niceTicks, type PlotBox, pixelMapper, type XY } from "../../scatterGeometry";

interface ClusterScatterProps {
  projection: ClusterProjection;
  name: (id: number) => string;
}

// Room around the plot for the tick labels (left, bottom) and the x axis' label (bottom), in CSS pixels.
const MARGIN = { top: 8, right: 16, bottom: 40, left: 52 };
const DOT_RADIUS = 2.2; // small dots: up to 2,000 of them share the plot
const HOVER_RADIUS = 8; // how far from a dot the pointer may be for its tooltip
const FONT = "12px system-ui, sans-serif";

/** A drawn dot: where it is, and what the tooltip says about it. */
interface Drawn extends XY {
  series: ScatterSeries;
  point: XY;
}

interface Hover {
  left: number;
  top: number;
  drawn: Drawn;
}

/** The rows on two axes (PCA, or UMAP where installed), one colour per cluster, noise in grey. */
export function ClusterScatter({ projection, name }: ClusterScatterProps) {
  const series = useMemo(() => scatterSeries(projection.points ?? [], name), [projection.points, name]);
  if (series.length === 0) return <EmptyState title="No rows to draw">The report holds no projected rows.</EmptyState>;
  const xLabel = projectionAxisLabel(projection, 0);
  const yLabel = projectionAxisLabel(projection, 1);
  return (
    <figure className="space-y-2">
      <ScatterCanvas series={series} xLabel={xLabel} />
      {/* The series' order: largest cluster first, noise last, as in the profiles. */}
      <ul className="flex flex-wrap justify-center gap-x-4 gap-y-1 text-xs" aria-label="Scatter legend">
        {series.map((s) => (
          <li key={s.id} className="inline-flex items-center gap-1.5">
            <span className="size-2.5 rounded-full" style={{ background: s.color, opacity: s.id < 0 ? 0.6 : 1 }} aria-hidden />
            {s.name}
          </li>
        ))}
      </ul>
      <figcaption className="text-xs text-muted">
        Each dot is a row, {projectionSample(projection)}, placed by {projection.method === "umap" ? "UMAP" : "its first two principal components"}:
        rows close together are similar. {yLabel} is the vertical axis.
      </figcaption>
    </figure>
  );
}

/** The dots on one canvas: Recharts' one SVG element per dot took seconds to lay out for 2,000 rows (issue 14). */
function ScatterCanvas({ series, xLabel }: { series: ScatterSeries[]; xLabel: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The last drawing's dots, in pixels, for the tooltip: a ref, so hovering does not redraw.
  const drawnRef = useRef<Drawn[]>([]);
  const [hover, setHover] = useState<Hover | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    if (!box || !canvas) return;
    const draw = () => {
      drawnRef.current = drawScatter(canvas, box, series, xLabel);
      // Tests and benchmarks/clusters_dashboard.py read this to know every row is on screen.
      box.setAttribute("data-points", String(drawnRef.current.length));
      setHover(null);
    };
    draw();
    const resize = new ResizeObserver(draw);
    resize.observe(box);
    // The theme toggles the "dark" class on <html>; the axis and grid colours come from its CSS variables.
    const theme = new MutationObserver(draw);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    return () => {
      resize.disconnect();
      theme.disconnect();
    };
  }, [series, xLabel]);

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const at = { x: event.clientX - rect.left, y: event.clientY - rect.top };
    const index = nearestPoint(drawnRef.current, at, HOVER_RADIUS);
    const drawn = index === null ? undefined : drawnRef.current[index];
    setHover(drawn ? { left: drawn.x, top: drawn.y, drawn } : null);
  };

  return (
    <div
      ref={boxRef}
      className="relative h-[22rem] w-full"
      role="img"
      aria-label={`The rows on two axes, coloured by cluster: ${series.map((s) => s.name).join(", ")}`}
    >
      <canvas ref={canvasRef} className="absolute inset-0 size-full" onPointerMove={onPointerMove} onPointerLeave={() => setHover(null)} />
      {hover && (
        <div
          className="pointer-events-none absolute z-10 rounded-lg border border-line bg-raised px-2 py-1 text-xs whitespace-nowrap text-fg shadow"
          // Above and right of the dot; flipped left on the plot's right half so it stays inside the figure.
          style={{
            left: hover.left,
            top: hover.top - 8,
            transform: `translate(${hover.left > (boxRef.current?.clientWidth ?? 0) / 2 ? "calc(-100% - 8px)" : "8px"}, -100%)`,
          }}
        >
          <div className="flex items-center gap-1.5 font-medium">
            <span className="size-2.5 rounded-full" style={{ background: hover.drawn.series.color }} />
            {hover.drawn.series.name}
          </div>
          <div className="text-muted tabular-nums">
            x {formatNumber(hover.drawn.point.x, 3)} · y {formatNumber(hover.drawn.point.y, 3)}
          </div>
        </div>
      )}
    </div>
  );
}

/** Draws grid, axes and dots at the box's size and the screen's pixel density; the dots drawn, in CSS pixels. */
function drawScatter(canvas: HTMLCanvasElement, box: HTMLElement, series: ScatterSeries[], xLabel: string): Drawn[] {
  const width = box.clientWidth;
  const height = box.clientHeight;
  const context = canvas.getContext("2d");
  // A hidden tab has no size: nothing to draw until the ResizeObserver sees it laid out.
  if (!context || width === 0 || height === 0) return [];
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);

  const extent = dataExtent(series.flatMap((s) => s.points));
  if (!extent) return [];
  const xTicks = niceTicks(extent.x.min, extent.x.max);
  const yTicks = niceTicks(extent.y.min, extent.y.max);
  const xDomain = { min: xTicks[0] as number, max: xTicks[xTicks.length - 1] as number };
  const yDomain = { min: yTicks[0] as number, max: yTicks[yTicks.length - 1] as number };
  const plot: PlotBox = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: Math.max(1, width - MARGIN.left - MARGIN.right),
    height: Math.max(1, height - MARGIN.top - MARGIN.bottom),
  };
  const toPixel = pixelMapper(xDomain, yDomain, plot);
  const styles = getComputedStyle(box);
  const line = styles.getPropertyValue("--line").trim() || "#dde1ea";
  const muted = styles.getPropertyValue("--muted").trim() || "#5b6475";

  // Grid: dashed, in the theme's line colour, as the other charts' CartesianGrid.
  context.strokeStyle = line;
  context.lineWidth = 1;
  context.setLineDash([3, 3]);
  context.beginPath();
  for (const tick of xTicks) {
    const x = Math.round(toPixel({ x: tick, y: 0 }).x) + 0.5; // +0.5: a crisp one-pixel line
    context.moveTo(x, plot.top);
    context.lineTo(x, plot.top + plot.height);
  }
  for (const tick of yTicks) {
    const y = Math.round(toPixel({ x: 0, y: tick }).y) + 0.5;
    context.moveTo(plot.left, y);
    context.lineTo(plot.left + plot.width, y);
  }
  context.stroke();
  context.setLineDash([]);

  // Axes and their tick labels in the muted text colour.
  context.strokeStyle = muted;
  context.beginPath();
  context.moveTo(plot.left + 0.5, plot.top);
  context.lineTo(plot.left + 0.5, plot.top + plot.height + 0.5);
  context.lineTo(plot.left + plot.width, plot.top + plot.height + 0.5);
  context.stroke();
  context.fillStyle = muted;
  context.font = FONT;
  context.textAlign = "center";
  context.textBaseline = "top";
  for (const tick of xTicks) context.fillText(formatNumber(tick, 2), toPixel({ x: tick, y: 0 }).x, plot.top + plot.height + 5);
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (const tick of yTicks) context.fillText(formatNumber(tick, 2), plot.left - 6, toPixel({ x: 0, y: tick }).y);
  context.textAlign = "center";
  context.textBaseline = "bottom";
  context.fillText(xLabel, plot.left + plot.width / 2, height - 2);

  // Noise first, so every cluster's dots lie on top of the grey.
  const drawn: Drawn[] = [];
  for (const s of [...series].sort((a, b) => Number(b.id < 0) - Number(a.id < 0))) {
    context.fillStyle = s.color;
    context.globalAlpha = s.id < 0 ? 0.45 : 0.8;
    context.beginPath();
    for (const point of s.points) {
      const at = toPixel(point);
      context.moveTo(at.x + DOT_RADIUS, at.y);
      context.arc(at.x, at.y, DOT_RADIUS, 0, 2 * Math.PI);
      drawn.push({ x: at.x, y: at.y, series: s, point });
    }
    context.fill();
  }
  context.globalAlpha = 1;
  return drawn;
}
