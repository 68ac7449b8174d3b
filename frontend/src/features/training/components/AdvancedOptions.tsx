import { useState, type ReactNode } from "react";
import { Field } from "../../../components/Field";
import { isClustering } from "../../../lib/problemType";
import type { Reproducible, TrainFormErrors, TrainFormValues } from "../validation";

interface AdvancedOptionsProps {
  values: TrainFormValues;
  errors: TrainFormErrors;
  onChange: (patch: Partial<TrainFormValues>) => void;
  /** More advanced settings below the grid (the preprocessing steps). */
  children?: ReactNode;
}

const REPRODUCIBLE: { value: Reproducible; label: string }[] = [
  { value: "auto", label: "Automatic" },
  { value: "on", label: "On (slower)" },
  { value: "off", label: "Off (fastest)" },
];

function NumberField({ id, label, hint, error, value, min, max, onChange }: {
  id: string;
  label: string;
  hint: string;
  error?: string;
  value: string;
  min: number;
  max?: number;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} htmlFor={id} error={error} hint={hint}>
      <input id={id} className="input" type="number" min={min} max={max} step={1} value={value} onChange={(event) => onChange(event.target.value)} />
    </Field>
  );
}

export function AdvancedOptions({ values, errors, onChange, children }: AdvancedOptionsProps) {
  const steps = values.preprocessors.length;
  // Open from the start when a clone brought preprocessing steps, so none is chosen out of sight; read once, so the
  // person opens and closes it from then on.
  const [openAtStart] = useState(steps > 0);
  return (
    <details className="rounded-md border border-line px-4 py-3 open:pb-4" open={openAtStart || undefined}>
      <summary className="cursor-pointer text-sm font-medium">
        Advanced options{steps > 0 ? ` (${steps} preprocessing step${steps === 1 ? "" : "s"})` : ""}
      </summary>
      <div className="mt-4 grid gap-4 sm:grid-cols-3">
        {/* Clustering has no held-out rows to test on: each model is fitted once on every row. */}
        {!isClustering(values.problemType) && (
          <NumberField
            id="train-folds"
            label="Cross-validation folds"
            hint="2 to 10. Each model is tested this many times on held-out rows."
            error={errors.nFolds}
            value={values.nFolds}
            min={2}
            max={10}
            onChange={(nFolds) => onChange({ nFolds })}
          />
        )}
        <NumberField
          id="train-max-trials"
          label="Max trials"
          hint="Blank: as many models as the time budget allows."
          error={errors.maxTrials}
          value={values.maxTrials}
          min={1}
          onChange={(maxTrials) => onChange({ maxTrials })}
        />
        <NumberField
          id="train-seed"
          label="Random seed"
          hint="Any whole number; the same seed repeats the same search."
          error={errors.seed}
          value={values.seed}
          min={0}
          onChange={(seed) => onChange({ seed })}
        />
        <Field label="Reproducible" htmlFor="train-reproducible" hint="On: a rerun with the same seed gives the same leaderboard. Automatic: on when max trials is set.">
          <select
            id="train-reproducible"
            className="input"
            value={values.reproducible}
            onChange={(event) => onChange({ reproducible: event.target.value as Reproducible })}
          >
            {REPRODUCIBLE.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Job name" htmlFor="train-name" error={errors.name} hint='Blank: "dataset -> target".'>
          <input id="train-name" className="input" maxLength={255} value={values.name} onChange={(event) => onChange({ name: event.target.value })} />
        </Field>
        <div className="space-y-1.5">
          <span className="block text-sm font-medium">Priority</span>
          <label className="flex cursor-pointer items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-0.5 size-4 accent-[var(--accent)]"
              checked={values.priority}
              onChange={(event) => onChange({ priority: event.target.checked })}
            />
            <span>
              Run before other waiting jobs
              <span className="block text-xs text-muted">Goes to the front of the queue.</span>
            </span>
          </label>
        </div>
      </div>
      {children && <div className="mt-4">{children}</div>}
    </details>
  );
}
