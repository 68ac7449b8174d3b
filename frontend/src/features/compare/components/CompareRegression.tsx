import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { ScrollRegion } from "../../../components/ScrollRegion";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { axisProps, seriesColour, tooltipStyle } from "../../../components/chartStyle";
import type { ComparedModel } from "../compare";

type WithRegression = ComparedModel & { regression: NonNullable<ComparedModel["regression"]> };

const ERRORS = [
  { key: "rmse", label: "RMSE", lower: true },
  { key: "mae", label: "Mean absolute error", lower: true },
  { key: "r2", label: "R²", lower: false },
] as const;

/** Held-out errors side by side (best highlighted) and predicted against actual for every model on one chart. */
export function CompareRegression({ models, target }: { models: ComparedModel[]; target: string }) {
  const shown = models.filter((m): m is WithRegression => m.regression !== null);
  if (shown.length === 0) return <EmptyState title="No held-out predictions to compare" />;
  const all = shown.flatMap((m) => m.regression.points.flatMap((p) => [p.actual, p.predicted]));
  const domain: [number, number] = [Math.min(...all), Math.max(...all)];
  return (
    <div className="space-y-4">
      <ScrollRegion label="Held-out errors" className="overflow-x-auto">
        <table className="w-full text-sm" aria-label="Held-out errors of each model">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th scope="col" className="py-2 pr-4 font-medium uppercase">
                Held-out
              </th>
              {shown.map((m) => (
                <th key={m.id} scope="col" className="py-2 pr-4 text-right font-medium">
                  {m.display_name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">
            {ERRORS.map((error) => {
              const values = shown.map((m) => m.regression[error.key]);
              const best = error.lower ? Math.min(...values) : Math.max(...values);
              return (
                <tr key={error.key}>
                  <th scope="row" className="py-2 pr-4 text-left font-medium">
                    {error.label}
                  </th>
                  {shown.map((m) => {
                    const isBest = shown.length > 1 && m.regression[error.key] === best;
                    return (
                      <td key={m.id} className={`py-2 pr-4 text-right ${isBest ? "bg-ok/10 font-semibold" : ""}`}>
                        {formatNumber(m.regression[error.key])}
                        {isBest && <span className="sr-only"> (best)</span>}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <figure className="space-y-2">
        <div className="h-80 w-full" role="img" aria-label={`Predicted against actual ${target} for ${shown.map((m) => m.display_name).join(", ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
              <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
              <XAxis type="number" dataKey="actual" name="Actual" domain={domain} {...axisProps} tickFormatter={(v: number) => formatNumber(v, 3)}
                label={{ value: `Actual ${target}`, position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }} />
              <YAxis type="number" dataKey="predicted" name="Predicted" domain={domain} {...axisProps} width={80} tickFormatter={(v: number) => formatNumber(v, 3)}
                label={{ value: "Predicted", angle: -90, position: "insideLeft", offset: 0, fill: "var(--muted)", fontSize: 12 }} />
              <ReferenceLine segment={[{ x: domain[0], y: domain[0] }, { x: domain[1], y: domain[1] }]} stroke="var(--muted)" strokeDasharray="4 4" ifOverflow="hidden" />
              <Tooltip {...tooltipStyle} cursor={{ strokeDasharray: "3 3" }} formatter={(value) => formatNumber(Number(value))} />
              {shown.map((m, index) => (
                <Scatter key={m.id} name={m.display_name} data={m.regression.points} fill={seriesColour(index)} fillOpacity={0.5} isAnimationActive={false} />
              ))}
            </ScatterChart>
          </ResponsiveContainer>
        </div>
        <ul className="space-y-1 text-sm">
          {shown.map((m, index) => (
            <li key={m.id} className="flex items-center gap-2">
              <span className="inline-block size-2.5 shrink-0 rounded-full" style={{ background: seriesColour(index) }} aria-hidden />
              <span className="truncate">{m.display_name}</span>
            </li>
          ))}
        </ul>
        <figcaption className="text-xs text-muted">Dots on the dashed line are exact predictions; each model shows the same sample of rows.</figcaption>
      </figure>
    </div>
  );
}
