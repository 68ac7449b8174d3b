import { Play } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import type { Dataset } from "../../../api/types";
import { Button } from "../../../components/Button";
import { Field } from "../../../components/Field";
import { QueryView } from "../../../components/QueryView";
import { ErrorBanner, Notice } from "../../../components/States";
import { useDatasetStats } from "../../datasets/api";
import { useAlgorithms, useMetrics, useStartTraining } from "../api";
import type { InitialSelection } from "../initialSelection";
import { isDefaultMetric, metricOptionLabel } from "../metrics";
import { detectProblemType, effectiveTask } from "../problemType";
import {
  DEFAULT_TRAIN_FORM,
  hasErrors,
  MAX_TIME_BUDGET_MINUTES,
  type TrainFormValues,
  toTrainingRequest,
  validateTrainForm,
  visibleErrors,
} from "../validation";
import { AdvancedOptions } from "./AdvancedOptions";
import { AlgorithmChecklist } from "./AlgorithmChecklist";
import { DatasetTargetFields } from "./DatasetTargetFields";
import { type DetectionState, ProblemTypePicker } from "./ProblemTypePicker";

interface TrainFormProps {
  datasets: Dataset[];
  initial: InitialSelection;
}

export function TrainForm({ datasets, initial }: TrainFormProps) {
  const navigate = useNavigate();
  const [form, setForm] = useState<TrainFormValues>({ ...DEFAULT_TRAIN_FORM, datasetId: initial.datasetId, target: initial.target });
  // Unchecked rather than checked names: every algorithm of a newly listed task starts checked.
  const [excluded, setExcluded] = useState<string[]>([]);
  const [touched, setTouched] = useState<ReadonlySet<keyof TrainFormValues>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const start = useStartTraining();

  const dataset = datasets.find((item) => item.id === form.datasetId);
  const stats = useDatasetStats(dataset?.id);
  const profile = stats.data?.columns.find((column) => column.name === form.target);
  const detection: DetectionState = !form.target
    ? { state: "none" }
    : profile && dataset
      ? { state: "done", detection: detectProblemType(profile, dataset.n_rows) }
      : stats.isError
        ? { state: "error", message: stats.error.message }
        : { state: "loading" };
  const task = effectiveTask(form.problemType, detection.state === "done" ? detection.detection : undefined);
  const algorithms = useAlgorithms(task);
  const metrics = useMetrics(task);
  const available = algorithms.data?.map((item) => item.name) ?? [];
  const metric = metrics.data?.some((item) => item.name === form.metric) ? form.metric : "";
  const defaultMetric = metrics.data?.find((item) => isDefaultMetric(item, task));

  const values: TrainFormValues = { ...form, metric, algorithms: available.filter((name) => !excluded.includes(name)) };
  const context = {
    columns: dataset?.columns.map((column) => column.name) ?? [],
    availableAlgorithms: available,
    targetProfile: profile,
    nRows: dataset?.n_rows,
  };
  const allErrors = validateTrainForm(values, context);
  const errors = visibleErrors(allErrors, touched, submitted);
  const patch = (next: Partial<TrainFormValues>) => {
    setForm((current) => ({ ...current, ...next }));
    setTouched((current) => new Set([...current, ...(Object.keys(next) as (keyof TrainFormValues)[])]));
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(allErrors) || start.isPending) return;
    start.mutate(toTrainingRequest(values, available), { onSuccess: (job) => void navigate(`/jobs/${job.id}`) });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label="Training setup">
      {initial.notice && <Notice>{initial.notice}</Notice>}
      <DatasetTargetFields
        datasets={datasets}
        dataset={dataset}
        target={form.target}
        errors={errors}
        onDataset={(next) => patch({ datasetId: next.id, target: next.suggested_target ?? "", metric: "" })}
        onTarget={(target) => patch({ target })}
      />

      <Field label="Problem type">
        <ProblemTypePicker value={form.problemType} target={form.target} detection={detection} onChange={(problemType) => patch({ problemType })} />
      </Field>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Metric to optimize" htmlFor="train-metric" hint={metrics.isError ? metrics.error.message : "How models are scored and ranked."}>
          <select id="train-metric" className="input" value={metric} onChange={(event) => patch({ metric: event.target.value })}>
            <option value="">Default{defaultMetric ? ` (${defaultMetric.label})` : " for the problem type"}</option>
            {metrics.data?.map((item) => (
              <option key={item.name} value={item.name}>
                {metricOptionLabel(item)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Time budget (minutes)"
          htmlFor="train-budget"
          error={errors.timeBudget}
          hint={`How long to search, up to ${MAX_TIME_BUDGET_MINUTES} minutes. Fractions allowed, e.g. 0.5.`}
        >
          <input
            id="train-budget"
            className="input"
            type="number"
            min={0.1}
            max={MAX_TIME_BUDGET_MINUTES}
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
              onChange={(names, checked) => {
                setTouched((current) => new Set([...current, "algorithms"]));
                setExcluded((current) => (checked ? current.filter((name) => !names.includes(name)) : [...new Set([...current, ...names])]));
              }}
            />
          )}
        </QueryView>
      </Field>

      <AdvancedOptions values={form} errors={errors} onChange={patch} />

      {start.isError && <ErrorBanner message={`Training could not start: ${start.error.message}`} />}
      {submitted && hasErrors(errors) && <p className="text-sm text-danger">Fix the fields marked above to start training.</p>}
      <Button type="submit" icon={<Play className="size-4" aria-hidden />} disabled={start.isPending}>
        {start.isPending ? "Starting…" : "Start training"}
      </Button>
    </form>
  );
}
