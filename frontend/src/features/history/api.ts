import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { Dataset, HistoryEdit, Id, ItemAccess, Job, Model, Page } from "../../api/types";
import { toast } from "../../lib/toast";
import { isActive } from "../jobs/status";
import { type HistoryFilters, toQuery } from "./filters";

const job = (id: Id) => ({ params: { path: { job_id: id } } });
const model = (id: Id) => ({ params: { path: { model_id: id } } });
const dataset = (id: Id) => ({ params: { path: { dataset_id: id } } });

export const historyApi = {
  jobs: (filters: HistoryFilters): Promise<Page<Job>> =>
    unwrap(api.GET("/api/training/jobs", { params: { query: toQuery(filters) } })),
  models: async (filters: HistoryFilters): Promise<Page<Model>> => {
    const { status: _jobsOnly, ...query } = toQuery(filters);
    // Model narrows the card's free-form JSON (api/types.ts), hence the cast.
    return (await unwrap(api.GET("/api/results/models", { params: { query } }))) as Page<Model>;
  },
  editJob: (id: Id, body: HistoryEdit): Promise<Job> =>
    unwrap(api.PATCH("/api/training/jobs/{job_id}", { ...job(id), body })),
  editModel: async (id: Id, body: HistoryEdit): Promise<Model> =>
    (await unwrap(api.PATCH("/api/results/model/{model_id}", { ...model(id), body }))) as Model,
  jobAccess: (id: Id): Promise<ItemAccess> => unwrap(api.GET("/api/training/jobs/{job_id}/access", job(id))),
  modelAccess: (id: Id): Promise<ItemAccess> => unwrap(api.GET("/api/results/model/{model_id}/access", model(id))),
  moveDataset: (id: Id, projectId: string | null): Promise<Dataset> =>
    unwrap(api.PATCH("/api/datasets/{dataset_id}", { ...dataset(id), body: { project_id: projectId } })),
  datasetAccess: (id: Id): Promise<ItemAccess> => unwrap(api.GET("/api/datasets/{dataset_id}/access", dataset(id))),
};

const POLL_MS = 5000;

/** The Jobs list as filtered by the server; while a shown job runs, refetched every 5 s like the plain list. */
export function useFilteredJobs(filters: HistoryFilters) {
  const query = toQuery(filters);
  return useQuery({
    queryKey: queryKeys.jobs.filtered(query),
    queryFn: () => historyApi.jobs(filters),
    // The previous answer stays on screen while a new search runs, so the list does not flash empty as one types.
    placeholderData: keepPreviousData,
    refetchInterval: (state) => (state.state.data?.items.some((item) => isActive(item.status)) ? POLL_MS : false),
  });
}

export function useFilteredModels(filters: HistoryFilters) {
  const { status: _jobsOnly, ...query } = toQuery(filters);
  return useQuery({
    queryKey: queryKeys.models.filtered(query),
    queryFn: () => historyApi.models(filters),
    placeholderData: keepPreviousData,
  });
}

export function useJobAccess(id: Id) {
  return useQuery({ queryKey: queryKeys.jobs.access(id), queryFn: () => historyApi.jobAccess(id) });
}

export function useModelAccess(id: Id) {
  return useQuery({ queryKey: queryKeys.models.access(id), queryFn: () => historyApi.modelAccess(id) });
}

function savedMessage(change: HistoryEdit): string {
  if (change.name !== undefined) return `Renamed to “${change.name?.trim()}”.`;
  if (change.project_id !== undefined) return change.project_id ? "Moved into the project." : "Made private.";
  return "Notes and tags saved.";
}

/** A refusal (422 over a limit, 403 for a project viewer) toasts the server's message. */
export function useEditJob(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: HistoryEdit) => historyApi.editJob(id, change),
    onSuccess: (saved, change) => {
      client.setQueryData(queryKeys.jobs.detail(id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.jobs.list() });
      void client.invalidateQueries({ queryKey: queryKeys.jobs.access(id) });
      toast.success(savedMessage(change));
    },
  });
}

export function useEditModel(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: HistoryEdit) => historyApi.editModel(id, change),
    onSuccess: (saved, change) => {
      client.setQueryData(queryKeys.models.detail(id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.models.list() });
      void client.invalidateQueries({ queryKey: queryKeys.models.access(id) });
      toast.success(savedMessage(change));
    },
  });
}

export function useDatasetAccess(id: Id) {
  return useQuery({ queryKey: queryKeys.datasets.access(id), queryFn: () => historyApi.datasetAccess(id) });
}

/** Share a dataset in a project or make it private; a refusal (403, 404) toasts the server's message. */
export function useMoveDataset(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (projectId: string | null) => historyApi.moveDataset(id, projectId),
    onSuccess: (saved, projectId) => {
      client.setQueryData(queryKeys.datasets.detail(id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.datasets.list() });
      void client.invalidateQueries({ queryKey: queryKeys.datasets.access(id) });
      toast.success(projectId ? "Shared in the project." : "Made private.");
    },
  });
}
