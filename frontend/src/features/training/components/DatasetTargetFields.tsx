import type { Dataset, DatasetStats } from "../../../api/types";
import { Field } from "../../../components/Field";
import { NO_TARGET } from "../clustering";
import { targetHint } from "../targetHint";
import type { TrainFormErrors } from "../validation";

const REFERENCE_HINT =
  "A column that already groups the rows (a segment, a species): left out of the clustering, and used only to report how well the groups found match it.";

interface DatasetTargetFieldsProps {
  datasets: Dataset[];
  dataset: Dataset | undefined;
  /** The dataset's stats: each column as a target, and the server's ranked candidates. */
  stats: DatasetStats | undefined;
  /** The target select's value: a column, "" before a choice, or NO_TARGET for clustering. */
  target: string;
  /** Clustering's optional known grouping ("" for none); its select shows only under clustering. */
  reference: string;
  errors: TrainFormErrors;
  onDataset: (dataset: Dataset) => void;
  onTarget: (target: string) => void;
  onReference: (reference: string) => void;
}

export function DatasetTargetFields({
  datasets,
  dataset,
  stats,
  target,
  reference,
  errors,
  onDataset,
  onTarget,
  onReference,
}: DatasetTargetFieldsProps) {
  const suggested = stats?.target_candidates?.[0]?.name;
  const clustering = target === NO_TARGET;
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
        hint={clustering ? "No target: FlowML finds groups of similar rows across the columns." : targetHint(stats, target)}
      >
        <select id="train-target" className="input" value={target} onChange={(event) => onTarget(event.target.value)}>
          <option value="">Choose a column…</option>
          <option value={NO_TARGET}>None: find groups of similar rows (clustering)</option>
          {dataset?.columns.map((column) => (
            <option key={column.name} value={column.name}>
              {column.name} · {column.kind}
              {column.name === suggested ? " (suggested)" : ""}
            </option>
          ))}
        </select>
      </Field>
      {clustering && (
        <Field label="Compare with a known grouping (optional)" htmlFor="train-reference" error={errors.reference} hint={REFERENCE_HINT}>
          <select id="train-reference" className="input" value={reference} onChange={(event) => onReference(event.target.value)}>
            <option value="">None</option>
            {dataset?.columns.map((column) => (
              <option key={column.name} value={column.name}>
                {column.name} · {column.kind}
              </option>
            ))}
          </select>
        </Field>
      )}
    </div>
  );
}
