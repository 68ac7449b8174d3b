// What one job, model or dataset allows its viewer (its access), and the edits of its name, notes, tags and project:
// the Jobs, Models and Data pages and the job monitor all show them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { toast } from "../../lib/toast";
import { api, unwrap } from "../client";
import { queryKeys } from "../queryKeys";
import type { Dataset, HistoryEdit, Id, ItemAccess, Job, Model } from "../types";

const job = (id: Id) => ({ params: { path: { job_id: id } } });
const model = (id: Id) => ({ params: { path: { model_id: id } } });
const dataset = (id: Id) => ({ params: { path: { dataset_id: id } } });

export const itemsApi = {
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

export function useJobAccess(id: Id) {
  return useQuery({ queryKey: queryKeys.jobs.access(id), queryFn: () => itemsApi.jobAccess(id) });
}

export function useModelAccess(id: Id) {
  return useQuery({ queryKey: queryKeys.models.access(id), queryFn: () => itemsApi.modelAccess(id) });
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
    mutationFn: (change: HistoryEdit) => itemsApi.editJob(id, change),
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
    mutationFn: (change: HistoryEdit) => itemsApi.editModel(id, change),
    onSuccess: (saved, change) => {
      client.setQueryData(queryKeys.models.detail(id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.models.list() });
      void client.invalidateQueries({ queryKey: queryKeys.models.access(id) });
      toast.success(savedMessage(change));
    },
  });
}

export function useDatasetAccess(id: Id) {
  return useQuery({ queryKey: queryKeys.datasets.access(id), queryFn: () => itemsApi.datasetAccess(id) });
}

/** Share a dataset in a project or make it private; a refusal (403, 404) toasts the server's message. */
export function useMoveDataset(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (projectId: string | null) => itemsApi.moveDataset(id, projectId),
    onSuccess: (saved, projectId) => {
      client.setQueryData(queryKeys.datasets.detail(id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.datasets.list() });
      void client.invalidateQueries({ queryKey: queryKeys.datasets.access(id) });
      toast.success(projectId ? "Shared in the project." : "Made private.");
    },
  });
}
