// "Clone job": the Train form opened from /train?clone=<job id>, filled in with that job's settings as the server
// gives them (GET /api/training/jobs/{id}/clone), so the analyst changes only what they want (a longer budget,
// other algorithms) and the new job records where it came from.
import { useQuery } from "@tanstack/react-query";
import { type Dispatch, type SetStateAction, useEffect, useRef } from "react";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { Dataset, Id, TrainingRequest } from "../../api/types";
import type { InitialSelection } from "./initialSelection";
import { DEFAULT_TRAIN_FORM, type TrainFormValues } from "./validation";

export interface CloneDefaults {
  /** The job cloned: sent as `cloned_from`. */
  sourceId: Id;
  values: TrainFormValues;
  /** The algorithms the job tried; the rest of the task's start unchecked. */
  algorithms: string[];
  projectId: string | null;
}

export function fetchCloneSettings(jobId: Id): Promise<TrainingRequest> {
  return unwrap(api.GET("/api/training/jobs/{job_id}/clone", { params: { path: { job_id: jobId } } }));
}

/** The form's values from the job's settings (the form keeps numbers as the text typed). */
export function cloneToForm(settings: TrainingRequest, sourceId: Id): CloneDefaults {
  const problemType = settings.problem_type === "classification" || !settings.problem_type ? "auto" : settings.problem_type;
  return {
    sourceId,
    values: {
      ...DEFAULT_TRAIN_FORM,
      datasetId: settings.dataset_id,
      target: settings.target_column ?? "",
      problemType,
      reference: settings.reference_column ?? "",
      metric: settings.metric ?? "",
      timeBudget: settings.time_budget != null ? String(settings.time_budget) : DEFAULT_TRAIN_FORM.timeBudget,
      nFolds: String(settings.n_folds ?? DEFAULT_TRAIN_FORM.nFolds),
      maxTrials: settings.max_trials != null ? String(settings.max_trials) : "",
      seed: String(settings.seed ?? 0),
      reproducible: settings.reproducible == null ? "auto" : settings.reproducible ? "on" : "off",
      preprocessors: settings.preprocessors ?? [],
      name: settings.name ?? "",
    },
    algorithms: settings.algorithms ?? [],
    projectId: settings.project_id ?? null,
  };
}

/** Where the cloned form starts; a job whose dataset is gone falls back to the newest one, and says so. */
export function cloneSelection(datasets: readonly Pick<Dataset, "id">[], clone: CloneDefaults): InitialSelection {
  if (datasets.some((item) => item.id === clone.values.datasetId)) {
    return { datasetId: clone.values.datasetId, target: clone.values.target, notice: null };
  }
  return {
    datasetId: datasets[0]?.id ?? "",
    target: "",
    notice: "The cloned job's dataset no longer exists; choose a dataset and the column to predict.",
  };
}

/** The unchecked algorithms for a clone: those of the task that the cloned job did not try. */
export function cloneExclusions(available: readonly string[], cloned: readonly string[]): string[] {
  return cloned.length === 0 ? [] : available.filter((name) => !cloned.includes(name));
}

/** The clone's settings for `jobId` (none without one). */
export function useCloneDefaults(jobId: Id | null) {
  return useQuery({
    queryKey: queryKeys.clone(jobId ?? ""),
    queryFn: async () => cloneToForm(await fetchCloneSettings(jobId ?? ""), jobId ?? ""),
    enabled: Boolean(jobId),
    staleTime: Infinity,
  });
}

/** Once the task's algorithm list arrives, uncheck those the cloned job did not try (once: then the user decides). */
export function useCloneAlgorithms(
  clone: CloneDefaults | undefined,
  available: readonly string[],
  setExcluded: Dispatch<SetStateAction<string[]>>,
): void {
  const applied = useRef(false);
  useEffect(() => {
    if (!clone || applied.current || available.length === 0) return;
    applied.current = true;
    setExcluded(cloneExclusions(available, clone.algorithms));
  }, [clone, available, setExcluded]);
}

/** What a started job records besides the form's settings: the job it copies, and the project it goes into (none
 * sent for a project's dataset: the server puts the job in the dataset's project). */
export function historyFields(
  clone: CloneDefaults | undefined,
  dataset: Pick<Dataset, "project_id"> | undefined,
  projectId: string,
): Pick<TrainingRequest, "cloned_from" | "project_id"> {
  const fields: Pick<TrainingRequest, "cloned_from" | "project_id"> = {};
  if (clone) fields.cloned_from = clone.sourceId;
  if (!dataset?.project_id && projectId) fields.project_id = projectId;
  return fields;
}
