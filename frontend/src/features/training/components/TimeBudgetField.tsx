import { Field } from "../../../components/Field";
import { MAX_TIME_BUDGET_MINUTES, TIME_BUDGET_INPUT } from "../validation";

interface TimeBudgetFieldProps {
  value: string;
  error?: string;
  /** This server's maximum (GET /api/training/limits), once known. */
  max?: number;
  onChange: (value: string) => void;
}

/** Minutes to search. The spinner steps in tenths from 0.1, so the default and every step are valid values. */
export function TimeBudgetField({ value, error, max = MAX_TIME_BUDGET_MINUTES, onChange }: TimeBudgetFieldProps) {
  return (
    <Field
      label="Time budget (minutes)"
      htmlFor="train-budget"
      error={error}
      hint={`How long to search, up to ${max} minutes. Fractions allowed, e.g. 0.5.`}
    >
      <input
        id="train-budget"
        className="input"
        type="number"
        inputMode="decimal"
        min={TIME_BUDGET_INPUT.min}
        max={max}
        step={TIME_BUDGET_INPUT.step}
        value={value}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
    </Field>
  );
}
