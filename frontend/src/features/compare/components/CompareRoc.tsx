import { useState } from "react";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { axisProps, seriesColour, tooltipStyle } from "../../../components/chartStyle";
import type { ComparedModel } from "../compare";

/** The models' held-out ROC curves on one chart: binary, the positive class; multiclass, the class picked. */
export function CompareRoc({ models }: { models: ComparedModel[] }) {
  const labels = [...new Set(models.flatMap((m) => m.roc.map((c) => c.label)))];
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const label = picked ?? labels[0];
  const series = models
    .map((model, index) => ({ model, index, curve: model.roc.find((c) => c.label === label) }))
    .filter((s) => s.curve !== undefined);
  if (series.length === 0) return <EmptyState title="No ROC curves to compare" />;
  return (
    <figure className="space-y-2">
      {labels.length > 1 && (
        <label className="flex items-center gap-2 text-sm">
          Curve for class
          <select className="input w-auto" value={label} onChange={(e) => setPicked(e.target.value)}>
            {labels.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="h-80 w-full" role="img" aria-label={`ROC curves of ${series.map((s) => `${s.model.display_name} (AUC ${formatNumber(s.curve?.auc, 3)})`).join(", ")}`}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
            <CartesianGrid stroke="var(--line)" strokeDasharray="3 3" />
            <XAxis type="number" dataKey="fpr" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} {...axisProps}
              label={{ value: "False positive rate", position: "insideBottom", offset: -8, fill: "var(--muted)", fontSize: 12 }} />
            <YAxis type="number" dataKey="tpr" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} {...axisProps} width={64}
              label={{ value: "True positive rate", angle: -90, position: "insideLeft", offset: 4, fill: "var(--muted)", fontSize: 12 }} />
            <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="var(--muted)" strokeDasharray="4 4" ifOverflow="visible" />
            <Tooltip
              {...tooltipStyle}
              labelFormatter={(fpr) => `False positive rate ${formatNumber(Number(fpr), 3)}`}
              formatter={(value, name) => [`true positive rate ${formatNumber(Number(value), 3)}`, name]}
            />
            {series.map(({ model, index, curve }) => (
              <Line
                key={model.id}
                data={curve?.points}
                dataKey="tpr"
                name={`${model.display_name} · AUC ${formatNumber(curve?.auc, 3)}`}
                type="linear"
                stroke={seriesColour(index)}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ul className="space-y-1 text-sm">
        {series.map(({ model, index, curve }) => (
          <li key={model.id} className="flex items-center gap-2">
            <span className="inline-block h-0.5 w-5 shrink-0 rounded" style={{ background: seriesColour(index) }} aria-hidden />
            <span className="truncate">{model.display_name}</span>
            <span className="ml-auto text-muted tabular-nums">AUC {formatNumber(curve?.auc, 3)}</span>
          </li>
        ))}
      </ul>
      <figcaption className="text-xs text-muted">
        Held-out predictions of each model&apos;s settings. A curve further up and left catches more real positives for the
        same false alarm rate; the dashed diagonal is guessing.
      </figcaption>
    </figure>
  );
}
