// Types hand-written from docs/api.md. A later issue generates them from /openapi.json; keep them all here.

export type Id = string;
/** ISO 8601 UTC timestamp. */
export type IsoTime = string;

export interface ApiErrorBody {
  detail: string;
}

export interface Page<T> {
  items: T[];
  count: number;
}

// ---------------------------------------------------------------- datasets

export type ColumnKind = "numeric" | "categorical" | "boolean" | "datetime" | "text" | "id";

export interface DatasetColumn {
  name: string;
  kind: ColumnKind;
  dtype: string;
}

export interface Dataset {
  id: Id;
  name: string;
  file_format: string;
  sha256: string;
  size_bytes: number;
  n_rows: number;
  n_cols: number;
  columns: DatasetColumn[];
  suggested_target: string | null;
  suggested_problem_type: ProblemType | null;
  notes: string[];
  table_name: string | null;
  created_at: IsoTime;
}

export type CellValue = string | number | boolean | null;

export interface DatasetPreview {
  columns: string[];
  rows: Record<string, CellValue>[];
  total_rows: number;
}

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

export interface TopValue {
  value: CellValue;
  count: number;
}

export interface ColumnProfile {
  name: string;
  kind: ColumnKind;
  dtype: string;
  missing: number;
  missing_pct: number;
  unique: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  std?: number | null;
  median?: number | null;
  histogram?: HistogramBin[] | null;
  top_values?: TopValue[] | null;
}

export interface DatasetStats {
  columns: ColumnProfile[];
}

// ---------------------------------------------------------------- training

export type ProblemType = "binary" | "multiclass" | "regression";
export type ProblemTypeChoice = "auto" | ProblemType;

export const JOB_STATUSES = ["pending", "queued", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobStage = "queued" | "preparing" | "searching" | "finalizing" | "done";

export interface TrainingRequest {
  dataset_id: Id;
  target_column: string;
  problem_type?: ProblemTypeChoice;
  metric?: string;
  /** Minutes; fractions allowed. */
  time_budget?: number;
  algorithms?: string[];
  n_folds?: number;
  max_trials?: number;
  seed?: number;
  priority?: boolean;
  name?: string;
}

export interface Job {
  id: Id;
  name: string;
  dataset_id: Id;
  target_column: string;
  problem_type: ProblemTypeChoice;
  metric: string;
  status: JobStatus;
  /** 0-100. */
  progress: number;
  stage: JobStage;
  message: string;
  time_budget: number;
  algorithms: string[];
  n_folds: number;
  max_trials: number | null;
  seed: number;
  priority: boolean;
  n_trials: number;
  best_score: number | null;
  best_algorithm: string | null;
  model_id: Id | null;
  error: string | null;
  created_at: IsoTime;
  queued_at: IsoTime | null;
  started_at: IsoTime | null;
  finished_at: IsoTime | null;
  deadline: IsoTime | null;
}

// ---------------------------------------------------------------- results

/** Trial statuses the engine writes; "running" while in flight. */
export type TrialStatus = "running" | "completed" | "failed" | "timeout" | "cancelled";

export interface Trial {
  rank?: number | null;
  trial_number: number;
  algorithm: string;
  params: Record<string, unknown>;
  status: TrialStatus;
  score: number | null;
  score_std: number | null;
  fold_scores: number[];
  other_metrics: Record<string, number>;
  fit_time: number;
  predict_time_per_row: number;
  worker: string;
  error: string | null;
  started_at: IsoTime;
  finished_at: IsoTime | null;
}

export interface Leaderboard {
  job_id: Id;
  metric: string;
  greater_is_better: boolean;
  items: Trial[];
}

export interface InputField {
  name: string;
  kind: ColumnKind;
  dtype: string;
  categories?: string[] | null;
  required?: boolean;
}

export interface ModelCard {
  input_schema: InputField[];
  [key: string]: unknown;
}

export type ClassLabel = string | number | boolean;

export interface Model {
  id: Id;
  job_id: Id;
  dataset_id: Id;
  algorithm: string;
  problem_type: ProblemType;
  target: string;
  metric: string;
  cv_score: number | null;
  classes: ClassLabel[] | null;
  feature_importance: Record<string, number>;
  card: ModelCard;
  sha256: string;
  size_bytes: number;
  created_at: IsoTime;
}

export type PredictRow = Record<string, string | number | boolean | null>;

export interface PredictRequest {
  row?: PredictRow;
  rows?: PredictRow[];
}

export interface Prediction {
  predictions: (string | number | boolean | null)[];
  probabilities: Record<string, number>[] | null;
  classes: string[] | null;
  warnings: string[];
  latency_ms: number;
  /** "onnx" when the model's ONNX graph passed its parity check at export, else "native". */
  engine: "onnx" | "native";
}

// ---------------------------------------------------------------- catalogues and status

export interface AlgorithmInfo {
  name: string;
  label: string;
  family: string;
  tasks: ProblemType[];
  gpu_capable: boolean;
}

export interface MetricInfo {
  name: string;
  label: string;
  tasks: ProblemType[];
  greater_is_better: boolean;
  /** The tasks this metric is the default for (docs/api.md does not pin the shape; a single task is accepted). */
  default_for: ProblemType[] | ProblemType | null;
}

export interface Stats {
  datasets: number;
  models: number;
  jobs: { total: number; by_status: Partial<Record<JobStatus, number>> };
  workers_online: number;
}

export interface Health {
  status: "ok" | "degraded";
  database: string;
  storage: string;
  version: string;
}

// ---------------------------------------------------------------- websocket

interface EventBase<T extends string, D> {
  id: number;
  type: T;
  job_id: Id | null;
  timestamp: IsoTime;
  data: D;
}

export interface ProgressData {
  progress: number;
  stage: JobStage;
  message: string;
  n_trials: number;
  best_score: number | null;
  best_algorithm: string | null;
  trial?: Trial | null;
}

export type JobEvent =
  | EventBase<"training_started", { job: Job }>
  | EventBase<"training_progress", ProgressData>
  | EventBase<"training_completed", { job: Job; model_id: Id }>
  | EventBase<"training_failed", { job: Job; error: string }>
  | EventBase<"training_cancelled", { job: Job }>;

export interface HeartbeatEvent {
  type: "heartbeat";
  id?: number;
}

export type ServerEvent = JobEvent | HeartbeatEvent;
