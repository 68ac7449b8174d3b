// Endpoint functions that several hook modules share, checked against the generated OpenAPI types (schema.d.ts):
// a path, parameter or body the backend does not have fails to compile. Components reach them through the hooks.
import { api, unwrap } from "./client";
import type {
  AlgorithmInfo,
  BatchStatus,
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
  PassThroughColumns,
  PredictRequest,
  Prediction,
  PreprocessorInfo,
  ProblemType,
  Stats,
  TrainingRequest,
  Trial,
} from "./types";

const dataset = (id: Id) => ({ params: { path: { dataset_id: id } } });
const job = (id: Id) => ({ params: { path: { job_id: id } } });
const model = (id: Id) => ({ params: { path: { model_id: id } } });

export const datasetsApi = {
  list: (): Promise<Page<Dataset>> => unwrap(api.GET("/api/datasets")),
  get: (id: Id): Promise<Dataset> => unwrap(api.GET("/api/datasets/{dataset_id}", dataset(id))),
  preview: (id: Id, limit = 50): Promise<DatasetPreview> =>
    unwrap(api.GET("/api/datasets/{dataset_id}/preview", { params: { path: { dataset_id: id }, query: { limit } } })),
  stats: (id: Id): Promise<DatasetStats> => unwrap(api.GET("/api/datasets/{dataset_id}/stats", dataset(id))),
  remove: async (id: Id): Promise<void> => {
    await unwrap(api.DELETE("/api/datasets/{dataset_id}", dataset(id)));
  },
};

export const trainingApi = {
  start: (body: TrainingRequest): Promise<Job> => unwrap(api.POST("/api/training/start", { body })),
  jobs: (status?: JobStatus): Promise<Page<Job>> =>
    unwrap(api.GET("/api/training/jobs", { params: { query: { status } } })),
  job: (id: Id): Promise<Job> => unwrap(api.GET("/api/training/jobs/{job_id}", job(id))),
  cancel: (id: Id): Promise<Job> => unwrap(api.POST("/api/training/jobs/{job_id}/cancel", job(id))),
  stop: (id: Id): Promise<Job> => unwrap(api.POST("/api/training/jobs/{job_id}/stop", job(id))),
};

// Model and Prediction narrow fields the schema still leaves as free-form JSON (see types.ts), hence the casts.
export const resultsApi = {
  leaderboard: (jobId: Id): Promise<Leaderboard> =>
    unwrap(api.GET("/api/results/job/{job_id}/leaderboard", job(jobId))),
  trials: (jobId: Id): Promise<Page<Trial>> => unwrap(api.GET("/api/results/job/{job_id}/trials", job(jobId))),
  models: async (): Promise<Page<Model>> => (await unwrap(api.GET("/api/results/models"))) as Page<Model>,
  model: async (id: Id): Promise<Model> => (await unwrap(api.GET("/api/results/model/{model_id}", model(id)))) as Model,
  predict: async (id: Id, body: PredictRequest): Promise<Prediction> =>
    (await unwrap(api.POST("/api/results/model/{model_id}/predict", { ...model(id), body }))) as Prediction,
  passThrough: (id: Id): Promise<PassThroughColumns> =>
    unwrap(api.GET("/api/results/model/{model_id}/pass-through", model(id))),
  batchStatus: (id: Id, batchId: string): Promise<BatchStatus> =>
    unwrap(api.GET("/api/results/model/{model_id}/predict/batch/{batch_id}", { params: { path: { model_id: id, batch_id: batchId } } })),
};

export const metaApi = {
  algorithms: (task?: ProblemType): Promise<AlgorithmInfo[]> =>
    unwrap(api.GET("/api/algorithms", { params: { query: { task } } })),
  metrics: (task?: ProblemType): Promise<MetricInfo[]> =>
    unwrap(api.GET("/api/metrics", { params: { query: { task } } })),
  preprocessors: (): Promise<PreprocessorInfo[]> => unwrap(api.GET("/api/preprocessors")),
  stats: (): Promise<Stats> => unwrap(api.GET("/api/stats")),
  /** A degraded server answers 503 with the same report: that is an answer to show, not an error. */
  health: (): Promise<Health> => unwrap(api.GET("/health"), [503]),
};
