// The Train form's values, their validation, and their translation into a TrainingRequest. Pure functions.
import type { ProblemTypeChoice, TargetChecks, TrainingRequest } from "../../api/types";
import { isClustering, targetProblem } from "../../lib/problemType";

/** The server's default MAX_TIME_BUDGET, used until GET /api/training/limits answers with this server's own. */
export const MAX_TIME_BUDGET_MINUTES = 240;
/** The budget field's spinner: tenths of a minute from 0.1 (the server takes anything above 0), so every value it
 * steps through, the default included, is one the browser counts as valid (the old min 0.1 with step 0.5 made the
 * default 1 invalid and stepped 1 -> 1.1 -> 1.6). */
export const TIME_BUDGET_INPUT = { min: 0.1, step: 0.1 } as const;

/** Whether `value` is one the number input accepts: at least `min`, and a whole number of steps above it. */
export function onInputStep(value: number, min: number, step: number): boolean {
  const steps = (value - min) / step;
  return value >= min && Math.abs(steps - Math.round(steps)) < 1e-9;
}
export const MAX_NAME_LENGTH = 255;

export type Reproducible = "auto" | "on" | "off";

/** Number fields stay strings while typed, so a half-typed value is validated rather than silently coerced. */
export interface TrainFormValues {
  datasetId: string;
  /** "" for clustering, which has no target. */
  target: string;
  problemType: ProblemTypeChoice;
  /** Clustering only: a known grouping the groups found are compared with afterwards ("" for none). */
  reference: string;
  /** "" means the server's default metric for the task. */
  metric: string;
  timeBudget: string;
  algorithms: string[];
  /** Preprocessing steps every trial runs before its model, in the order chosen; none by default. */
  preprocessors: string[];
  nFolds: string;
  /** "" means no limit. */
  maxTrials: string;
  seed: string;
  priority: boolean;
  /** "auto": the server's default, on when max trials is set. */
  reproducible: Reproducible;
  /** "" lets the server name the job "<dataset> -> <target>". */
  name: string;
}

export type TrainFormErrors = Partial<Record<keyof TrainFormValues, string>>;

export interface TrainFormContext {
  /** The chosen dataset's column names. */
  columns: readonly string[];
  /** The algorithms offered for the task; `algorithms` must be a non-empty subset. */
  availableAlgorithms: readonly string[];
  /** The server's verdicts on a column as the target (its stats' `target.checks`), once they have loaded. */
  targetChecks?: { column: string; checks: TargetChecks };
  /** This server's MAX_TIME_BUDGET in minutes (GET /api/training/limits); MAX_TIME_BUDGET_MINUTES until known. */
  maxTimeBudget?: number;
}

export const DEFAULT_TRAIN_FORM: TrainFormValues = {
  datasetId: "",
  target: "",
  problemType: "auto",
  reference: "",
  metric: "",
  timeBudget: "1",
  algorithms: [],
  preprocessors: [],
  nFolds: "5",
  maxTrials: "",
  seed: "0",
  priority: false,
  reproducible: "auto",
  name: "",
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

function targetError(values: TrainFormValues, context: TrainFormContext): string | undefined {
  if (isClustering(values.problemType)) {
    // The form clears the target when clustering is chosen; this only guards a state that slipped through.
    return values.target ? "Clustering takes no target column; name a known grouping to compare with instead." : undefined;
  }
  if (!values.target) return "Choose the column to predict.";
  if (!context.columns.includes(values.target)) return `The dataset has no column "${values.target}".`;
  // Only the verdicts on the chosen column: the previous column's may still be showing while the new ones load.
  if (context.targetChecks?.column === values.target) return targetProblem(context.targetChecks.checks, values.problemType);
  return undefined;
}

export function validateTrainForm(values: TrainFormValues, context: TrainFormContext): TrainFormErrors {
  const errors: TrainFormErrors = {};
  if (!values.datasetId) errors.datasetId = "Choose a dataset to train on.";
  const target = targetError(values, context);
  if (target) errors.target = target;
  if (isClustering(values.problemType) && values.reference && !context.columns.includes(values.reference)) {
    errors.reference = `The dataset has no column "${values.reference}".`;
  }

  const budget = parseNumber(values.timeBudget);
  const maxBudget = context.maxTimeBudget ?? MAX_TIME_BUDGET_MINUTES;
  if (budget === null || budget <= 0) errors.timeBudget = "Time budget must be a number of minutes greater than 0.";
  else if (budget > maxBudget) {
    errors.timeBudget = `Time budget can be at most ${maxBudget} minutes on this server (${Math.round((maxBudget / 60) * 10) / 10} hours).`;
  }

  const chosen = values.algorithms.filter((name) => context.availableAlgorithms.includes(name));
  if (context.availableAlgorithms.length > 0 && chosen.length === 0) {
    errors.algorithms = "Pick at least one algorithm.";
  }

  // Clustering fits every row once: the folds field is hidden and not sent.
  const folds = isClustering(values.problemType) ? undefined : integerError(values.nFolds, 2, 10, "Folds");
  if (folds) errors.nFolds = folds;
  if (values.maxTrials.trim() !== "") {
    const trials = integerError(values.maxTrials, 1, null, "Max trials");
    if (trials) errors.maxTrials = trials;
  }
  const seed = integerError(values.seed, 0, null, "Seed");
  if (seed) errors.seed = seed;
  if (values.name.trim().length > MAX_NAME_LENGTH) errors.name = `The name can be at most ${MAX_NAME_LENGTH} characters.`;
  return errors;
}

export function hasErrors(errors: TrainFormErrors): boolean {
  return Object.values(errors).some(Boolean);
}

/** Call only when `validateTrainForm` found nothing. Defaults are left out so the server applies its own. */
export function toTrainingRequest(values: TrainFormValues, availableAlgorithms: readonly string[]): TrainingRequest {
  const chosen = values.algorithms.filter((name) => availableAlgorithms.includes(name));
  const clustering = isClustering(values.problemType);
  const request: TrainingRequest = {
    dataset_id: values.datasetId,
    // Clustering has no target and no folds (one fit on every row): the server refuses the one, ignores the other.
    target_column: clustering ? null : values.target,
    problem_type: values.problemType,
    time_budget: Number(values.timeBudget),
    seed: Number(values.seed),
  };
  if (!clustering) request.n_folds = Number(values.nFolds);
  if (clustering && values.reference) request.reference_column = values.reference;
  if (values.metric) request.metric = values.metric;
  if (chosen.length > 0 && chosen.length < availableAlgorithms.length) request.algorithms = chosen;
  if (values.preprocessors.length > 0) request.preprocessors = [...values.preprocessors];
  if (values.maxTrials.trim() !== "") request.max_trials = Number(values.maxTrials);
  if (values.priority) request.priority = true;
  if (values.reproducible !== "auto") request.reproducible = values.reproducible === "on";
  if (values.name.trim()) request.name = values.name.trim();
  return request;
}

/**
 * The errors to show: all of them once the user tried to start; before that only for fields they changed, and
 * for the target whatever the column's statistics say (a preselected target with one value is worth saying at once).
 */
export function visibleErrors(
  errors: TrainFormErrors,
  touched: ReadonlySet<keyof TrainFormValues>,
  submitted: boolean,
): TrainFormErrors {
  if (submitted) return errors;
  const shown: TrainFormErrors = {};
  for (const [key, message] of Object.entries(errors) as [keyof TrainFormValues, string | undefined][]) {
    const fromData = key === "target" && message !== undefined && !/^Choose /.test(message);
    if (message && (touched.has(key) || fromData)) shown[key] = message;
  }
  return shown;
}
