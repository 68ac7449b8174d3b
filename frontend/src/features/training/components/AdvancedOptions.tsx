import type { TrainFormErrors, TrainFormValues } from "../validation";
import { Field } from "../../../components/Field";

interface AdvancedOptionsProps {
  values: TrainFormValues;
  errors: TrainFormErrors;
  onChange: (patch: Partial<TrainFormValues>) => void;
}

export function AdvancedOptions({ values, errors, onChange }: AdvancedOptionsProps) {
  return (
    <details className="rounded-md border border-line px-4 py-3 open:pb-4">
      <summary className="cursor-pointer text-sm font-medium">Advanced options</summary>
      <div className="mt-4 grid gap-4 sm:grid-cols-3">
        <Field label="Cross-validation folds" htmlFor="train-folds" error={errors.nFolds} hint="2 to 10">
          <input
            id="train-folds"
            className="input"
            type="number"
            min={2}
            max={10}
            step={1}
            value={values.nFolds}
            onChange={(event) => onChange({ nFolds: event.target.value })}
          />
        </Field>
        <Field label="Max trials" htmlFor="train-max-trials" error={errors.maxTrials} hint="Blank: as many as time allows">
          <input
            id="train-max-trials"
            className="input"
            type="number"
            min={1}
            step={1}
            placeholder="no limit"
            value={values.maxTrials}
            onChange={(event) => onChange({ maxTrials: event.target.value })}
          />
        </Field>
        <Field label="Random seed" htmlFor="train-seed" error={errors.seed} hint="Same seed, same search">
          <input
            id="train-seed"
            className="input"
            type="number"
            min={0}
            step={1}
            value={values.seed}
            onChange={(event) => onChange({ seed: event.target.value })}
          />
        </Field>
      </div>
    </details>
  );
}
