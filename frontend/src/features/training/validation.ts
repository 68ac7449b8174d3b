// The Train form's values, their validation, and their translation into a TrainingRequest. Pure functions.
import type { ProblemTypeChoice, TrainingRequest } from "../../api/types";

/** Number fields stay strings while typed, so a half-typed value is validated rather than silently coerced. */
export interface TrainFormValues {
  datasetId: string;
  target: string;
  problemType: ProblemTypeChoice;
  /** "" means the server's default metric for the task. */
  metric: string;
  timeBudget: string;
  algorithms: string[];
  nFolds: string;
  /** "" means no limit. */
  maxTrials: string;
  seed: string;
}

export type TrainFormErrors = Partial<Record<keyof TrainFormValues, string>>;

export interface TrainFormContext {
  /** The chosen dataset's column names. */
  columns: readonly string[];
  /** The algorithms offered for the task; `algorithms` must be a non-empty subset. */
  availableAlgorithms: readonly string[];
}

export const DEFAULT_TRAIN_FORM: TrainFormValues = {
  datasetId: "",
  target: "",
  problemType: "auto",
  metric: "",
  timeBudget: "1",
  algorithms: [],
  nFolds: "5",
  maxTrials: "",
  seed: "0",
};

function parseNumber(text: string): number | null {
  if (text.trim() === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function integerError(text: string, min: number, max: number | null, label: string): string | undefined {
  const value = parseNumber(text);
  const range = max === null ? `${min} or more` : `between ${min} and ${max}`;
  if (value === null || !Number.isInteger(value) || value < min || (max !== null && value > max)) {
    return `${label} must be a whole number ${range}.`;
  }
  return undefined;
}

export function validateTrainForm(values: TrainFormValues, context: TrainFormContext): TrainFormErrors {
  const errors: TrainFormErrors = {};
  if (!values.datasetId) errors.datasetId = "Choose a dataset to train on.";
  if (!values.target) errors.target = "Choose the column to predict.";
  else if (!context.columns.includes(values.target)) errors.target = `The dataset has no column "${values.target}".`;

  const budget = parseNumber(values.timeBudget);
  if (budget === null || budget <= 0) errors.timeBudget = "Time budget must be a number of minutes greater than 0.";

  const chosen = values.algorithms.filter((name) => context.availableAlgorithms.includes(name));
  if (context.availableAlgorithms.length > 0 && chosen.length === 0) {
    errors.algorithms = "Pick at least one algorithm.";
  }

  const folds = integerError(values.nFolds, 2, 10, "Folds");
  if (folds) errors.nFolds = folds;
  if (values.maxTrials.trim() !== "") {
    const trials = integerError(values.maxTrials, 1, null, "Max trials");
    if (trials) errors.maxTrials = trials;
  }
  const seed = integerError(values.seed, 0, null, "Seed");
  if (seed) errors.seed = seed;
  return errors;
}

export function hasErrors(errors: TrainFormErrors): boolean {
  return Object.values(errors).some(Boolean);
}

/** Call only when `validateTrainForm` found nothing. Defaults are left out so the server applies its own. */
export function toTrainingRequest(values: TrainFormValues, availableAlgorithms: readonly string[]): TrainingRequest {
  const chosen = values.algorithms.filter((name) => availableAlgorithms.includes(name));
  const request: TrainingRequest = {
    dataset_id: values.datasetId,
    target_column: values.target,
    problem_type: values.problemType,
    time_budget: Number(values.timeBudget),
    n_folds: Number(values.nFolds),
    seed: Number(values.seed),
  };
  if (values.metric) request.metric = values.metric;
  if (chosen.length > 0 && chosen.length < availableAlgorithms.length) request.algorithms = chosen;
  if (values.maxTrials.trim() !== "") request.max_trials = Number(values.maxTrials);
  return request;
}
