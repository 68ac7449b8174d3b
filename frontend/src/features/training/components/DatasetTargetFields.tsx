import type { Dataset, DatasetStats } from "../../../api/types";
import { Field } from "../../../components/Field";
import { targetHint } from "../targetHint";
import type { TrainFormErrors } from "../validation";

interface DatasetTargetFieldsProps {
  datasets: Dataset[];
  dataset: Dataset | undefined;
  /** The dataset's stats: each column as a target, and the server's ranked candidates. */
  stats: DatasetStats | undefined;
  target: string;
  errors: TrainFormErrors;
  onDataset: (dataset: Dataset) => void;
  onTarget: (target: string) => void;
}

export function DatasetTargetFields({ datasets, dataset, stats, target, errors, onDataset, onTarget }: DatasetTargetFieldsProps) {
  const suggested = stats?.target_candidates?.[0]?.name;
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
        hint={targetHint(stats, target)}
      >
        <select id="train-target" className="input" value={target} onChange={(event) => onTarget(event.target.value)}>
          <option value="">Choose a column…</option>
          {dataset?.columns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name} · {column.kind}
              {column.name === suggested ? " (suggested)" : ""}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
