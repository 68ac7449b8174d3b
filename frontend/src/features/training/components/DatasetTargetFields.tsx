import type { Dataset } from "../../../api/types";
import { Field } from "../../../components/Field";
import type { TrainFormErrors } from "../validation";

/** A gentle word when the target is a column nobody predicts (an id, free text); the server still accepts it. */
function targetHint(dataset: Dataset | undefined, target: string): string {
  const kind = dataset?.columns.find((column) => column.name === target)?.kind;
  if (kind === "id") return `"${target}" looks like a row identifier; predicting it rarely makes sense.`;
  if (kind === "text") return `"${target}" holds free text; a model can only predict values it has seen.`;
  if (dataset?.suggested_target) return `FlowML suggests "${dataset.suggested_target}".`;
  return "The column whose values the model learns to predict.";
}

interface DatasetTargetFieldsProps {
  datasets: Dataset[];
  dataset: Dataset | undefined;
  target: string;
  errors: TrainFormErrors;
  onDataset: (dataset: Dataset) => void;
  onTarget: (target: string) => void;
}

export function DatasetTargetFields({ datasets, dataset, target, errors, onDataset, onTarget }: DatasetTargetFieldsProps) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Dataset" htmlFor="train-dataset" error={errors.datasetId}>
        <select
          id="train-dataset"
          className="input"
          value={dataset?.id ?? ""}
          onChange={(event) => {
            const next = datasets.find((item) => item.id === event.target.value);
            if (next) onDataset(next);
          }}
        >
          {datasets.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name} ({item.n_rows.toLocaleString()} rows)
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Column to predict (target)"
        htmlFor="train-target"
        error={errors.target}
        hint={targetHint(dataset, target)}
      >
        <select id="train-target" className="input" value={target} onChange={(event) => onTarget(event.target.value)}>
          <option value="">Choose a column…</option>
          {dataset?.columns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name} · {column.kind}
              {column.name === dataset.suggested_target ? " (suggested)" : ""}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
