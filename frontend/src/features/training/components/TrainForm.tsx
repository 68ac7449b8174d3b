import { Play } from "lucide-react";
import { type FormEvent, useEffect, useState } from "react";
import { useNavigate } from "react-router";
import type { Dataset } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { Field } from "../../../components/Field";
import { QueryView } from "../../../components/QueryView";
import { ErrorBanner, Notice } from "../../../components/States";
import { useDatasetStats } from "../../../api/hooks/datasets";
import { useStartTraining } from "../api";
import { useAlgorithms, useMetrics, usePreprocessors } from "../../../api/hooks/catalogue";
import { type InitialSelection, preselectedTarget } from "../initialSelection";
import { useTrainingLimits } from "../limits";
import { isDefaultMetric, metricOptionLabel } from "../metrics";
import { type DetectionState, effectiveTask, isClustering } from "../../../lib/problemType";
import { changedFields, chooseProblemType, chooseTarget, targetSelectValue } from "../clustering";
import {
  DEFAULT_TRAIN_FORM,
  hasErrors,
  type TrainFormValues,
  toTrainingRequest,
  validateTrainForm,
  visibleErrors,
} from "../validation";
import { ProjectPicker } from "../../../components/ProjectPicker";
import { type CloneDefaults, historyFields, useCloneAlgorithms } from "../useCloneDefaults";
import { AdvancedOptions } from "./AdvancedOptions";
import { AlgorithmChecklist } from "./AlgorithmChecklist";
import { DatasetTargetFields } from "./DatasetTargetFields";
import { PreprocessingPicker } from "./PreprocessingPicker";
import { TimeBudgetField } from "./TimeBudgetField";
import { ProblemTypePicker } from "./ProblemTypePicker";

interface TrainFormProps {
  datasets: Dataset[];
  initial: InitialSelection;
  /** "Clone job": the settings of the job to train again (features/training/useCloneDefaults.ts). */
  clone?: CloneDefaults;
}

export function TrainForm({ datasets, initial, clone }: TrainFormProps) {
  const navigate = useNavigate();
  const [form, setForm] = useState<TrainFormValues>(
    clone && clone.values.datasetId === initial.datasetId
      ? clone.values
      : { ...DEFAULT_TRAIN_FORM, datasetId: initial.datasetId, target: initial.target },
  );
  // "" is private; a project's dataset decides the project itself (ProjectPicker says so).
  const [projectId, setProjectId] = useState(clone?.projectId ?? "");
  // Unchecked rather than checked names: every algorithm of a newly listed task starts checked.
  const [excluded, setExcluded] = useState<string[]>([]);
  const [touched, setTouched] = useState<ReadonlySet<keyof TrainFormValues>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const start = useStartTraining();
  const limits = useTrainingLimits();
  // The dataset whose target may still be pre-selected from the server's ranking: none once the user (or the
  // link) chose one, or when a link's choice could not be honoured (its notice asks the user to choose); set again
  // when the user switches datasets.
  const [preselectFor, setPreselectFor] = useState<string | null>(initial.target || initial.notice ? null : initial.datasetId);

  const dataset = datasets.find((item) => item.id === form.datasetId);
  const stats = useDatasetStats(dataset?.id);
  const statsData = stats.data;
  useEffect(() => {
    if (!dataset || preselectFor !== dataset.id || !statsData) return;
    setPreselectFor(null);
    const pick = preselectedTarget(statsData.target_candidates, dataset.columns);
    // Not `patch`: a pre-selection is not the user's edit, so it shows no validation message until they act.
    // Never under clustering, which has no target.
    const unset = (current: TrainFormValues) => current.datasetId === dataset.id && !current.target && !isClustering(current.problemType);
    if (pick) setForm((current) => (unset(current) ? { ...current, target: pick } : current));
  }, [dataset, preselectFor, statsData]);
  // What the server would do with the chosen column as the target (its stats judge every column with training's rule).
  const checks = stats.data?.columns.find((column) => column.name === form.target)?.target?.checks;
  const detection: DetectionState = !form.target
    ? { state: "none" }
    : checks
      ? { state: "done", checks }
      : stats.isError
        ? { state: "error", message: stats.error.message }
        : statsData
          ? { state: "error", message: `the statistics have no verdict on "${form.target}"` }
          : { state: "loading" };
  const task = effectiveTask(form.problemType, detection);
  const algorithms = useAlgorithms(task);
  const metrics = useMetrics(task);
  const preprocessors = usePreprocessors();
  const available = algorithms.data?.map((item) => item.name) ?? [];
  useCloneAlgorithms(clone, available, setExcluded);
  const metric = metrics.data?.some((item) => item.name === form.metric) ? form.metric : "";
  const defaultMetric = metrics.data?.find((item) => isDefaultMetric(item, task));

  const values: TrainFormValues = { ...form, metric, algorithms: available.filter((name) => !excluded.includes(name)) };
  const context = {
    columns: dataset?.columns.map((column) => column.name) ?? [],
    availableAlgorithms: available,
    targetChecks: checks ? { column: form.target, checks } : undefined,
    maxTimeBudget: limits.data?.max_time_budget,
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
    start.mutate({ ...toTrainingRequest(values, available), ...historyFields(clone, dataset, projectId) }, { onSuccess: (job) => void navigate(`/jobs/${job.id}`) });
  };

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label="Training setup">
      {initial.notice && <Notice>{initial.notice}</Notice>}
      {clone && !initial.notice && <Notice>Settings copied from the cloned job: change what you want (a longer budget, other algorithms), then start.</Notice>}
      <DatasetTargetFields
        datasets={datasets}
        dataset={dataset}
        stats={statsData}
        target={targetSelectValue(form)}
        reference={form.reference}
        errors={errors}
        onDataset={(next) => {
          setPreselectFor(isClustering(form.problemType) ? null : next.id);
          patch({ datasetId: next.id, target: "", reference: "", metric: "" });
        }}
        onTarget={(picked) => {
          setPreselectFor(null);
          patch(changedFields(form, chooseTarget(form, picked)));
        }}
        onReference={(reference) => patch({ reference })}
      />

      <Field label="Problem type">
        <ProblemTypePicker
          value={form.problemType}
          target={form.target}
          detection={detection}
          onChange={(problemType) => {
            setPreselectFor(null);
            patch(changedFields(form, chooseProblemType(form, problemType)));
          }}
        />
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
        <TimeBudgetField
          value={form.timeBudget}
          error={errors.timeBudget}
          max={limits.data?.max_time_budget}
          onChange={(timeBudget) => patch({ timeBudget })}
        />
      </div>

      <Field label="Algorithms to try" error={errors.algorithms}>
        <QueryView query={algorithms} loadingLabel="Loading algorithms…">
          {(list) => (
            <AlgorithmChecklist
              algorithms={list}
              task={task}
              selected={values.algorithms}
              onChange={(names, checked) => {
                setTouched((current) => new Set([...current, "algorithms"]));
                setExcluded((current) => (checked ? current.filter((name) => !names.includes(name)) : [...new Set([...current, ...names])]));
              }}
            />
          )}
        </QueryView>
      </Field>

      <div className="max-w-md">
        <ProjectPicker id="train-project" value={projectId} onChange={setProjectId} lockedTo={dataset?.project_id} />
      </div>

      {/* Preprocessing sits with the advanced options: most jobs need none, and the keyboard path stays short. */}
      <AdvancedOptions values={form} errors={errors} onChange={patch}>
        <Field
          label="Preprocessing (optional)"
          hint="Steps every model's input goes through, in the order checked, after FlowML's own encoding; their settings are tuned with the model's."
        >
          <QueryView query={preprocessors} loadingLabel="Loading preprocessing steps…">
            {(steps) => <PreprocessingPicker steps={steps} chosen={form.preprocessors} onChange={(chosen) => patch({ preprocessors: chosen })} />}
          </QueryView>
        </Field>
      </AdvancedOptions>

      {start.isError && <ErrorBanner message={`Training could not start: ${start.error.message}`} />}
      {submitted && hasErrors(errors) && <p className="text-sm text-danger">Fix the fields marked above to start training.</p>}
      <Button type="submit" disabled={start.isPending}>
        <Play className="size-4" aria-hidden />
        {start.isPending ? "Starting…" : "Start training"}
      </Button>
    </form>
  );
}
