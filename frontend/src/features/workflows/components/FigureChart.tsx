import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { axisProps, seriesColour, tooltipStyle } from "../../../components/chartStyle";
import { formatNumber } from "../../../lib/format";
import { shapeFigure, type Series } from "../figureData";

const TITLES: Record<string, string> = {
  roc: "ROC curve",
  precision_recall: "Precision-recall curve",
  confusion_matrix: "Confusion matrix",
  residuals: "Residuals",
  predicted_vs_actual: "Predicted vs actual",
  feature_importance: "Feature importance",
  cluster_scatter: "Clusters (2-D projection)",
  learning_curve: "Learning curve",
};

const axisLabel = (value: string, vertical = false) =>
  vertical
    ? { value, angle: -90, position: "insideLeft" as const, offset: 8, fill: "var(--muted)", fontSize: 11 }
    : { value, position: "insideBottom" as const, offset: -4, fill: "var(--muted)", fontSize: 11 };

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2 && !series[0]?.name.includes("AUC")) return null;
  return (
    <ul className="space-y-0.5 text-xs">
      {series.map((item, index) => (
        <li key={item.name} className="flex items-center gap-2">
          <span className="inline-block size-2 shrink-0 rounded-full" style={{ background: seriesColour(index) }} aria-hidden />
          {item.name}
        </li>
      ))}
    </ul>
  );
}

/** The confusion matrix as a table: rows are the true classes, columns the predicted ones; the diagonal is right. */
function MatrixGrid({ labels, matrix }: { labels: string[]; matrix: number[][] }) {
  const largest = Math.max(1, ...matrix.flat());
  return (
    <div className="overflow-x-auto">
      <table className="text-xs tabular-nums">
        <caption className="pb-1 text-left text-muted">Rows: true class; columns: predicted class.</caption>
        <thead>
          <tr>
            <th scope="col" className="px-1 text-left text-muted">
              true \ predicted
            </th>
            {labels.map((label) => (
              <th key={label} scope="col" className="px-2 py-1 font-medium">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => (
            <tr key={labels[i]}>
              <th scope="row" className="px-2 py-1 text-left font-medium">
                {labels[i]}
              </th>
              {row.map((count, j) => (
                <td
                  key={labels[j]}
                  className={`border border-line px-2 py-1 text-right ${i === j ? "font-semibold" : ""}`}
                  // Shade by count so the pattern shows at a glance; the number is always written.
                  style={{ background: `color-mix(in srgb, ${i === j ? "var(--ok)" : "var(--danger)"} ${Math.round((count / largest) * 45)}%, transparent)` }}
                >
                  {count}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A Visualization node's figure, drawn from its JSON by kind (figures.py); a broken figure is said in words. */
export function FigureChart({ figure }: { figure: unknown }) {
  const shaped = shapeFigure(figure);
  const title = TITLES[shaped.kind] ?? shaped.kind;
  if (shaped.chart === "invalid") {
    return (
      <p className="text-sm text-danger" data-testid={`figure-${shaped.kind}`}>
        {shaped.error}
      </p>
    );
  }
  return (
    <figure className="space-y-2" data-testid={`figure-${shaped.kind}`}>
      <figcaption className="text-sm font-semibold">{title}</figcaption>
      {shaped.chart === "matrix" ? (
        <MatrixGrid labels={shaped.labels} matrix={shaped.matrix} />
      ) : (
        <div className="h-56 w-full" role="img" aria-label={`${title} chart`}>
          <ResponsiveContainer width="100%" height="100%">
            {shaped.chart === "bars" ? (
              <BarChart data={shaped.bars} layout="vertical" margin={{ top: 4, right: 8, bottom: 4, left: 4 }}>
                <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" {...axisProps} />
                <YAxis type="category" dataKey="name" width={96} {...axisProps} interval={0} fontSize={10} />
                <Tooltip {...tooltipStyle} formatter={(value) => formatNumber(Number(value), 4)} />
                <Bar dataKey="value" name="importance" fill="var(--accent)" isAnimationActive={false} />
              </BarChart>
            ) : shaped.chart === "lines" ? (
              <LineChart margin={{ top: 4, right: 8, bottom: 16, left: 0 }}>
                <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
                <XAxis type="number" dataKey="x" domain={["dataMin", "dataMax"]} {...axisProps} label={axisLabel(shaped.xLabel)} />
                <YAxis type="number" dataKey="y" domain={["auto", "auto"]} width={52} {...axisProps} label={axisLabel(shaped.yLabel, true)} />
                {shaped.diagonal && (
                  <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="var(--muted)" strokeDasharray="4 4" ifOverflow="visible" />
                )}
                <Tooltip {...tooltipStyle} formatter={(value) => formatNumber(Number(value), 3)} labelFormatter={(x) => `${shaped.xLabel} ${formatNumber(Number(x), 3)}`} />
                {shaped.series.map((series, index) => (
                  <Line
                    key={series.name}
                    data={series.points}
                    dataKey="y"
                    name={series.name}
                    type="linear"
                    stroke={seriesColour(index)}
                    strokeWidth={2}
                    dot={shaped.kind === "learning_curve"}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            ) : (
              <ScatterChart margin={{ top: 4, right: 8, bottom: 16, left: 0 }}>
                <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
                <XAxis type="number" dataKey="x" name={shaped.xLabel} domain={["auto", "auto"]} {...axisProps} label={axisLabel(shaped.xLabel)} />
                <YAxis type="number" dataKey="y" name={shaped.yLabel} domain={["auto", "auto"]} width={52} {...axisProps} label={axisLabel(shaped.yLabel, true)} />
                {shaped.zeroLine && <ReferenceLine y={0} stroke="var(--muted)" strokeDasharray="4 4" />}
                <Tooltip {...tooltipStyle} formatter={(value) => formatNumber(Number(value), 3)} />
                {shaped.series.map((series, index) => (
                  <Scatter key={series.name} name={series.name} data={series.points} fill={seriesColour(index)} isAnimationActive={false} />
                ))}
              </ScatterChart>
            )}
          </ResponsiveContainer>
        </div>
      )}
      {(shaped.chart === "lines" || shaped.chart === "scatter") && <Legend series={shaped.series} />}
    </figure>
  );
}
