// One typed function per endpoint of docs/api.md. Components reach them through the feature hooks.
import { request } from "./client";
import type {
  AlgorithmInfo,
  Dataset,
  DatasetPreview,
  DatasetStats,
  Health,
  Id,
  Job,
  JobStatus,
  Leaderboard,
  MetricInfo,
  Model,
  Page,
  PredictRequest,
  Prediction,
  ProblemType,
  Stats,
  TrainingRequest,
  Trial,
} from "./types";

const seg = encodeURIComponent;

export const datasetsApi = {
  list: () => request<Page<Dataset>>("/api/datasets"),
  get: (id: Id) => request<Dataset>(`/api/datasets/${seg(id)}`),
  preview: (id: Id, limit = 50) => request<DatasetPreview>(`/api/datasets/${seg(id)}/preview`, { query: { limit } }),
  stats: (id: Id) => request<DatasetStats>(`/api/datasets/${seg(id)}/stats`),
  remove: (id: Id) => request<void>(`/api/datasets/${seg(id)}`, { method: "DELETE" }),
};

export const trainingApi = {
  start: (body: TrainingRequest) => request<Job>("/api/training/start", { method: "POST", json: body }),
  jobs: (status?: JobStatus) => request<Page<Job>>("/api/training/jobs", { query: { status } }),
  job: (id: Id) => request<Job>(`/api/training/jobs/${seg(id)}`),
  cancel: (id: Id) => request<Job>(`/api/training/jobs/${seg(id)}/cancel`, { method: "POST" }),
  stop: (id: Id) => request<Job>(`/api/training/jobs/${seg(id)}/stop`, { method: "POST" }),
};

export const resultsApi = {
  leaderboard: (jobId: Id) => request<Leaderboard>(`/api/results/job/${seg(jobId)}/leaderboard`),
  trials: (jobId: Id) => request<Page<Trial>>(`/api/results/job/${seg(jobId)}/trials`),
  models: () => request<Page<Model>>("/api/results/models"),
  model: (id: Id) => request<Model>(`/api/results/model/${seg(id)}`),
  predict: (id: Id, body: PredictRequest) =>
    request<Prediction>(`/api/results/model/${seg(id)}/predict`, { method: "POST", json: body }),
  downloadUrl: (id: Id) => `/api/results/model/${seg(id)}/download`,
};

export const metaApi = {
  algorithms: (task?: ProblemType) => request<AlgorithmInfo[]>("/api/algorithms", { query: { task } }),
  metrics: (task?: ProblemType) => request<MetricInfo[]>("/api/metrics", { query: { task } }),
  stats: () => request<Stats>("/api/stats"),
  health: () => request<Health>("/health", { okStatuses: [503] }),
};
