// Factories for unit tests: fresh objects per call, overridable field by field.
import type { AlgorithmInfo, InputField, Job, JobEvent, Leaderboard, Model, TokenPair, Trial, UserPublic } from "../api/types";

export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: "a".repeat(32),
    name: "titanic / Survived",
    dataset_id: "d".repeat(32),
    target_column: "Survived",
    reference_column: null,
    problem_type: "binary",
    metric: "roc_auc",
    status: "running",
    progress: 10,
    stage: "searching",
    message: "Trial 1",
    time_budget: 1,
    algorithms: ["lightgbm", "logistic_regression"],
    preprocessors: [],
    n_folds: 5,
    max_trials: null,
    max_trials_per_algorithm: null,
    seed: 0,
    priority: false,
    reproducible: null,
    n_trials: 1,
    best_score: 0.8,
    best_algorithm: "lightgbm",
    model_id: null,
    error: null,
    created_at: "2025-01-01T10:00:00Z",
    queued_at: "2025-01-01T10:00:00Z",
    started_at: "2025-01-01T10:00:01Z",
    finished_at: null,
    deadline: "2025-01-01T10:01:01Z",
    validation: "cv",
    validation_folds: 5,
    validation_label: "5-fold cross-validation",
    notes: "",
    tags: [],
    cloned_from: null,
    project_id: null,
    kind: "training",
    workflow_id: null,
    workflow_run_id: null,
    owner_id: null,
    ...overrides,
  };
}

export function makeTrial(overrides: Partial<Trial> = {}): Trial {
  return {
    trial_number: 0,
    algorithm: "lightgbm",
    params: {},
    status: "completed",
    score: 0.8,
    score_std: 0.01,
    fold_scores: [0.79, 0.81],
    other_metrics: {},
    cluster_sizes: [],
    fit_time: 0.5,
    predict_time_per_row: 0.0001,
    worker: "local",
    rank: null,
    error: null,
    started_at: "2025-01-01T10:00:02Z",
    finished_at: "2025-01-01T10:00:03Z",
    validation: "cv",
    ...overrides,
  };
}

export function makeModel(overrides: Partial<Model> = {}): Model {
  return {
    id: "m".repeat(32),
    job_id: "a".repeat(32),
    dataset_id: "d".repeat(32),
    algorithm: "lightgbm",
    problem_type: "binary",
    target: "Survived",
    metric: "roc_auc",
    cv_score: 0.8,
    classes: null,
    feature_importance: {},
    card: { input_schema: [], problem_type: "binary", target: "Survived", metric: "roc_auc", algorithm: "lightgbm" },
    sha256: "",
    size_bytes: 0,
    created_at: "2025-01-01T10:00:00Z",
    name: "",
    display_name: "LightGBM · Survived",
    validation_label: "5-fold cross-validation",
    notes: "",
    tags: [],
    trial_number: null,
    project_id: null,
    owner_id: null,
    ...overrides,
  };
}

export function makeLeaderboard(items: Trial[] = [], greaterIsBetter = true): Leaderboard {
  return { job_id: "a".repeat(32), metric: "roc_auc", greater_is_better: greaterIsBetter, items, delivered: null, models: [] };
}

type EventOf<T extends JobEvent["type"]> = Extract<JobEvent, { type: T }>;

export function makeEvent<T extends JobEvent["type"]>(type: T, data: EventOf<T>["data"], id = 1): EventOf<T> {
  return { id, type, job_id: "a".repeat(32), timestamp: "2025-01-01T10:00:05Z", data } as EventOf<T>;
}

export function makeField(overrides: Partial<InputField> = {}): InputField {
  return { name: "age", kind: "numeric", dtype: "float64", ...overrides };
}

export function makeUser(overrides: Partial<UserPublic> = {}): UserPublic {
  return {
    id: "u".repeat(32),
    username: "ada",
    role: "member",
    is_active: true,
    created_at: "2025-01-01T10:00:00Z",
    last_login_at: null,
    ...overrides,
  };
}

export function makeTokenPair(access: string, overrides: Partial<TokenPair> = {}): TokenPair {
  return {
    access_token: access,
    refresh_token: `refresh-${access}`,
    token_type: "bearer",
    expires_in: 900,
    user: makeUser(),
    ...overrides,
  };
}

/** localStorage or sessionStorage for tests under Node, which has neither. */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

export function makeAlgorithm(overrides: Partial<AlgorithmInfo> = {}): AlgorithmInfo {
  return {
    name: "logistic_regression",
    label: "Logistic regression",
    family: "linear",
    tasks: ["binary"],
    gpu: null,
    native_categorical: false,
    onnx: true,
    space: { binary: { params: { C: { kind: "float", low: 0.001, high: 100, log: true, when: null, help: "" } } } },
    defaults: { binary: { C: 1 } },
    origin: { source: "builtin", package: null, version: null },
    ...overrides,
  };
}
