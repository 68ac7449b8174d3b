import { useId, useState } from "react";
import type { Model } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { Input } from "../../../components/ui/input";
import { formatPercent } from "../../../lib/format";
import { formatDateTime } from "../../../lib/time";
import { toast } from "../../../lib/toast";
import {
  bestCost,
  bestF1,
  type ChosenBy,
  costAt,
  DEFAULT_THRESHOLD,
  describeThreshold,
  formatThreshold,
  metricsOf,
  parseCosts,
  pointAt,
  readSavedThreshold,
  type ThresholdTable,
} from "../threshold";
import { useSaveThreshold } from "../thresholdApi";
import { ConfusionMatrix } from "./ConfusionMatrix";
import { GainsChart } from "./GainsChart";

const STEP = 0.01;

function Metric({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <div title={hint}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums" data-testid={`metric-${label.toLowerCase()}`}>
        {value}
      </dd>
    </div>
  );
}

const pct = (value: number | null) => (value === null ? "—" : formatPercent(value * 100));

/**
 * The decision threshold of a yes/no model: a slider over the evaluation's threshold table drives the confusion
 * matrix, precision, recall, F1, accuracy and the gains chart; presets pick the best F1 or the lowest cost; Save
 * makes every prediction (REST, batch, ONNX) use it.
 */
export function ThresholdPanel({ model, table }: { model: Model; table: ThresholdTable }) {
  const saved = readSavedThreshold(model);
  const [threshold, setThreshold] = useState(saved?.value ?? DEFAULT_THRESHOLD);
  const [chosenBy, setChosenBy] = useState<ChosenBy>(saved?.chosenBy ?? "manual");
  const [fpCost, setFpCost] = useState(String(saved?.costs?.false_positive ?? 1));
  const [fnCost, setFnCost] = useState(String(saved?.costs?.false_negative ?? 1));
  const [costError, setCostError] = useState<string | null>(null);
  const save = useSaveThreshold(model.id);
  const ids = { slider: useId(), fp: useId(), fn: useId() };

  const point = pointAt(table, threshold);
  const metrics = point ? metricsOf(point) : null;
  const parsed = parseCosts(fpCost, fnCost);
  const costs = "costs" in parsed ? parsed.costs : null;
  const { positive_label: pos, negative_label: neg } = table;
  const unchanged = saved !== null && saved.value === threshold && saved.chosenBy === chosenBy;

  const choose = (value: number, by: ChosenBy) => {
    setThreshold(value);
    setChosenBy(by);
  };
  const pickBestF1 = () => {
    const best = bestF1(table);
    if (best) choose(best.threshold, "best_f1");
  };
  const pickBestCost = () => {
    if (!costs) {
      setCostError("error" in parsed ? parsed.error : null);
      return;
    }
    setCostError(null);
    const best = bestCost(table, costs);
    if (best) choose(best.threshold, "best_cost");
  };
  const onSave = () => {
    if (chosenBy === "best_cost" && !costs) return;
    save.mutate(
      { value: threshold, chosen_by: chosenBy, costs: chosenBy === "best_cost" ? costs : null },
      { onSuccess: () => toast.success(`Decision threshold ${formatThreshold(threshold)} saved: predictions now use it.`) },
    );
  };
  const onReset = () => {
    save.mutate(null, {
      onSuccess: () => {
        choose(DEFAULT_THRESHOLD, "manual");
        toast.success("Back to the default: predictions use the more likely class.");
      },
    });
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Decision threshold</CardTitle>
      </CardHeader>
      <CardContent>
        <div className="space-y-5">
          <p className="text-sm text-muted">
            The model predicts <strong className="text-fg">{pos}</strong> when its probability of {pos} is at least the threshold.
            Lower it to catch more {pos} rows at the price of more false alarms; raise it for fewer, surer ones. The counts below
            are the same held-out rows as the rest of this tab.
          </p>

          <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
            <div className="space-y-2">
              <div className="flex items-baseline justify-between gap-2">
                <label htmlFor={ids.slider} className="text-sm font-medium">
                  Threshold
                </label>
                <output htmlFor={ids.slider} className="text-2xl font-semibold tabular-nums" data-testid="threshold-value">
                  {formatThreshold(threshold)}
                </output>
              </div>
              <input
                id={ids.slider}
                type="range"
                min={STEP}
                max={1 - STEP}
                step={STEP}
                value={threshold}
                onChange={(event) => choose(Number(event.target.value), "manual")}
                aria-valuetext={`${formatThreshold(threshold)}: ${metrics ? `${metrics.tp + metrics.fp} rows predicted ${pos}` : ""}`}
                className="w-full accent-[var(--accent)]"
              />
              <div className="flex justify-between text-xs text-muted">
                <span>More {pos}</span>
                <span>Fewer, surer {pos}</span>
              </div>
            </div>

            <div className="flex flex-wrap items-end gap-3">
              <Button variant="secondary" onClick={pickBestF1}>
                Best F1
              </Button>
              <div className="w-36">
                <label htmlFor={ids.fp} className="block text-xs font-medium">
                  Cost of a false positive
                </label>
                <Input id={ids.fp} inputMode="decimal" value={fpCost} onChange={(event) => {
                    setFpCost(event.target.value);
                    setCostError(null);
                  }} />
              </div>
              <div className="w-36">
                <label htmlFor={ids.fn} className="block text-xs font-medium">
                  Cost of a false negative
                </label>
                <Input id={ids.fn} inputMode="decimal" value={fnCost} onChange={(event) => {
                    setFnCost(event.target.value);
                    setCostError(null);
                  }} />
              </div>
              <Button variant="secondary" onClick={pickBestCost}>
                Best cost
              </Button>
              {costError && (
                <p role="alert" className="basis-full text-xs text-danger">
                  {costError}
                </p>
              )}
            </div>
          </div>

          {metrics && (
            <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-3 lg:grid-cols-6">
              <Metric label="Precision" value={pct(metrics.precision)} hint={`Of the rows predicted ${pos}, the share that really are`} />
              <Metric label="Recall" value={pct(metrics.recall)} hint={`Of the real ${pos} rows, the share the model finds`} />
              <Metric label="F1" value={metrics.f1 === null ? "—" : metrics.f1.toFixed(3)} hint="Balance of precision and recall (1 is perfect)" />
              <Metric label="Accuracy" value={pct(metrics.accuracy)} hint="Share of all rows predicted correctly" />
              <Metric label="Flagged" value={pct(metrics.flagged)} hint={`Share of all rows predicted ${pos}`} />
              <Metric
                label="Cost"
                value={costs && point ? costAt(point, costs).toLocaleString() : "—"}
                hint="False positives times their cost plus false negatives times theirs, with the costs above"
              />
            </dl>
          )}

          <div className="flex flex-wrap items-center gap-3 border-t border-line pt-4">
            <Button onClick={onSave} disabled={save.isPending || unchanged}>
              {save.isPending ? "Saving…" : "Save threshold"}
            </Button>
            {saved && (
              <Button variant="ghost" onClick={onReset} disabled={save.isPending}>
                Back to default
              </Button>
            )}
            <p className="text-sm text-muted" data-testid="saved-threshold" aria-live="polite">
              {saved
                ? `In use: ${describeThreshold(saved)}${saved.setBy ? `, saved by ${saved.setBy}` : ""}${saved.setAt ? ` on ${formatDateTime(saved.setAt)}` : ""}.`
                : `In use: ${describeThreshold(null)}. Save to make predictions use the threshold above.`}
              {!unchanged && saved !== null && " The slider shows an unsaved choice."}
            </p>
          </div>

          <div className="grid gap-6 xl:grid-cols-2">
            <div className="space-y-2">
              <h3 className="text-sm font-semibold">Confusion matrix at {formatThreshold(point?.threshold ?? threshold)}</h3>
              {point && (
                <ConfusionMatrix
                  labels={[neg, pos]}
                  matrix={[
                    [point.tn, point.fp],
                    [point.fn, point.tp],
                  ]}
                />
              )}
            </div>
            <div className="space-y-2">
              <h3 className="text-sm font-semibold">Cumulative gains and lift</h3>
              <GainsChart gains={table.gains} point={point} positiveLabel={pos} />
            </div>
          </div>
        </div>
      </CardContent>
    </Card>
  );
}
