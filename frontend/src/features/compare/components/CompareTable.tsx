import { Trophy } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { ScrollRegion } from "../../../components/ScrollRegion";
import { formatBytes, formatNumber, formatSeconds } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";
import { useLabels } from "../../../api/hooks/catalogue";
import { type Comparison, type ComparedModel, bestPerMetric, lowestOf } from "../compare";

/** Per-row predict times are often microseconds, below what formatSeconds shows. */
function formatPerRow(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return "—";
  const ms = seconds * 1000;
  return ms < 0.01 ? `${Math.max(1, Math.round(seconds * 1e6))} µs` : `${formatNumber(ms, 3)} ms`;
}

function whatItIs(model: ComparedModel): string {
  if (model.kind === "ensemble") return `Ensemble of ${model.trials.length || "several"} trials`;
  if (model.trial_number !== null) return `Trial ${model.trial_number}, kept from the leaderboard`;
  return model.trials.length === 1 ? `The job's model (trial ${model.trials[0]})` : "The job's model";
}

function Cell({ best, children }: { best: boolean; children: ReactNode }) {
  return (
    <td className={`py-2 pr-4 text-right tabular-nums ${best ? "bg-ok/10 font-semibold text-fg" : ""}`}>
      {best && <Trophy className="mr-1 inline size-3.5 text-ok" aria-hidden />}
      {children}
      {best && <span className="sr-only"> (best)</span>}
    </td>
  );
}

interface FactRow {
  label: string;
  value: (m: ComparedModel) => ReactNode;
  best?: Set<string>;
  hint?: string;
}

/** Models as columns; metric rows first (the best of each highlighted by the metric's direction), then speed, size
 * and what each model is. */
export function CompareTable({ comparison }: { comparison: Comparison }) {
  const { models, metrics } = comparison;
  const labels = useLabels();
  const best = bestPerMetric(models, metrics);
  const facts: FactRow[] = [
    { label: "Fit time", value: (m) => formatSeconds(m.fit_time), best: lowestOf(models, (m) => m.fit_time), hint: "one fit during the search; an ensemble's members added up" },
    { label: "Predict per row", value: (m) => formatPerRow(m.predict_time_per_row), best: lowestOf(models, (m) => m.predict_time_per_row) },
    { label: "Size", value: (m) => formatBytes(m.size_bytes), best: lowestOf(models, (m) => m.size_bytes) },
    { label: "Algorithm", value: (m) => <span title={m.algorithm}>{labels.algorithm(m.algorithm)}</span> },
    { label: "Validation", value: (m) => m.validation_label },
    { label: "Trained", value: (m) => <time dateTime={m.created_at}>{formatAgo(m.created_at)}</time> },
  ];
  return (
    <ScrollRegion label="Models compared" className="overflow-x-auto">
      <table className="w-full text-sm" aria-label="Models compared side by side">
        <thead className="text-left text-xs text-muted">
          <tr>
            <th scope="col" className="py-2 pr-4 font-medium uppercase">
              Measure
            </th>
            {models.map((m) => (
              <th key={m.id} scope="col" className="min-w-40 py-2 pr-4 text-right align-bottom font-medium">
                <Link to={`/models/${m.id}`} className="text-sm text-accent hover:underline">
                  {m.display_name}
                </Link>
                <span className="block font-normal">{whatItIs(m)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {metrics.map((metric) => (
            <tr key={metric.name}>
              <th scope="row" className="py-2 pr-4 text-left font-medium">
                {metric.label}
                <span className="block text-xs font-normal text-muted">{metric.greater_is_better ? "higher is better" : "lower is better"}</span>
              </th>
              {models.map((m) => (
                <Cell key={m.id} best={best.get(metric.name)?.has(m.id) ?? false}>
                  {m.metrics[metric.name] === undefined ? <span title="Not measured for this model">—</span> : formatNumber(m.metrics[metric.name])}
                </Cell>
              ))}
            </tr>
          ))}
          {facts.map((fact) => (
            <tr key={fact.label}>
              <th scope="row" className="py-2 pr-4 text-left font-medium">
                {fact.label}
                {fact.hint && <span className="block text-xs font-normal text-muted">{fact.hint}</span>}
              </th>
              {models.map((m) => (
                <Cell key={m.id} best={fact.best?.has(m.id) ?? false}>
                  {fact.value(m)}
                </Cell>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
