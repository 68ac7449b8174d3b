import { Play } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import type { Dataset } from "../../../api/types";
import { Button } from "../../../components/Button";
import { Field } from "../../../components/Field";
import { QueryView } from "../../../components/QueryView";
import { ErrorBanner } from "../../../components/States";
import { useAlgorithms, useMetrics, useStartTraining } from "../api";
import { effectiveTask, isDefaultMetric } from "../task";
import { DEFAULT_TRAIN_FORM, hasErrors, type TrainFormValues, toTrainingRequest, validateTrainForm } from "../validation";
import { AdvancedOptions } from "./AdvancedOptions";
import { AlgorithmChecklist } from "./AlgorithmChecklist";
import { ProblemTypePicker } from "./ProblemTypePicker";

interface TrainFormProps {
  datasets: Dataset[];
  initialDatasetId: string | undefined;
}

export function TrainForm({ datasets, initialDatasetId }: TrainFormProps) {
  const navigate = useNavigate();
  const [form, setForm] = useState<TrainFormValues>(DEFAULT_TRAIN_FORM);
  // Unchecked rather than checked names: every algorithm of a newly listed task starts checked.
  const [excluded, setExcluded] = useState<string[]>([]);
  const [submitted, setSubmitted] = useState(false);
  const start = useStartTraining();

  // Defaults are derived, not copied into state: the URL's dataset, else the newest; its suggested target.
  const datasetId = form.datasetId || initialDatasetId || datasets[0]?.id || "";
  const dataset = datasets.find((item) => item.id === datasetId);
  const columns = dataset?.columns.map((column) => column.name) ?? [];
  const target = form.target || dataset?.suggested_target || "";
  const task = effectiveTask(form.problemType, target, dataset);
  const algorithms = useAlgorithms(task);
  const metrics = useMetrics(task);
  const available = algorithms.data?.map((item) => item.name) ?? [];
  const metric = metrics.data?.some((item) => item.name === form.metric) ? form.metric : "";
  const defaultMetric = metrics.data?.find((item) => isDefaultMetric(item, task));

  const values: TrainFormValues = {
    ...form,
    datasetId,
    target,
    metric,
    algorithms: available.filter((name) => !excluded.includes(name)),
  };
  const errors = submitted ? validateTrainForm(values, { columns, availableAlgorithms: available }) : {};
  const patch = (next: Partial<TrainFormValues>) => setForm((current) => ({ ...current, ...next }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(validateTrainForm(values, { columns, availableAlgorithms: available }))) return;
    start.mutate(toTrainingRequest(values, available), {
      onSuccess: (job) => void navigate(`/jobs/${job.id}`),
    });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Dataset" htmlFor="train-dataset" error={errors.datasetId}>
          <select
            id="train-dataset"
            className="input"
            value={datasetId}
            onChange={(event) => patch({ datasetId: event.target.value, target: "", metric: "" })}
          >
            {datasets.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name} ({item.n_rows.toLocaleString()} rows)
              </option>
            ))}
          </select>
        </Field>
        <Field label="Column to predict (target)" htmlFor="train-target" error={errors.target}>
          <select id="train-target" className="input" value={target} onChange={(event) => patch({ target: event.target.value })}>
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

      <Field label="Problem type" hint="Auto decides from the target column.">
        <ProblemTypePicker
          value={form.problemType}
          detected={form.problemType === "auto" ? task : undefined}
          onChange={(problemType) => patch({ problemType })}
        />
      </Field>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Metric to optimize" htmlFor="train-metric" hint={metrics.isError ? metrics.error.message : undefined}>
          <select id="train-metric" className="input" value={metric} onChange={(event) => patch({ metric: event.target.value })}>
            <option value="">Default{defaultMetric ? ` (${defaultMetric.label})` : ""}</option>
            {metrics.data?.map((item) => (
              <option key={item.name} value={item.name}>
                {item.label} ({item.greater_is_better ? "higher" : "lower"} is better)
              </option>
            ))}
          </select>
        </Field>
        <Field label="Time budget (minutes)" htmlFor="train-budget" error={errors.timeBudget} hint="Fractions allowed, e.g. 0.5">
          <input
            id="train-budget"
            className="input"
            type="number"
            min={0.1}
            step={0.5}
            value={form.timeBudget}
            onChange={(event) => patch({ timeBudget: event.target.value })}
          />
        </Field>
      </div>

      <Field label="Algorithms to try" error={errors.algorithms}>
        <QueryView query={algorithms} loadingLabel="Loading algorithms…">
          {(list) => (
            <AlgorithmChecklist
              algorithms={list}
              selected={values.algorithms}
              onChange={(name, checked) =>
                setExcluded((current) => (checked ? current.filter((item) => item !== name) : [...current, name]))
              }
              onAll={(checked) => setExcluded(checked ? [] : available)}
            />
          )}
        </QueryView>
      </Field>

      <AdvancedOptions values={form} errors={errors} onChange={patch} />

      {start.isError && <ErrorBanner message={start.error.message} />}
      {submitted && hasErrors(errors) && <p className="text-sm text-danger">Fix the fields marked above to start training.</p>}
      <Button type="submit" icon={<Play className="size-4" aria-hidden />} disabled={start.isPending}>
        {start.isPending ? "Starting…" : "Start training"}
      </Button>
    </form>
  );
}
