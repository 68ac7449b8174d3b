import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { datasetsApi } from "../endpoints";
import { queryKeys } from "../queryKeys";
import type { Dataset, Id, Page } from "../types";
import { uploadDataset, type UploadOptions } from "../upload";
import { parseUtc } from "../../lib/time";
import { toast } from "../../lib/toast";

export const PREVIEW_ROWS = 50;

function newestFirst(page: Page<Dataset>): Dataset[] {
  return [...page.items].sort((a, b) => (parseUtc(b.created_at) ?? 0) - (parseUtc(a.created_at) ?? 0));
}

export function useDatasets() {
  return useQuery({ queryKey: queryKeys.datasets.list(), queryFn: datasetsApi.list, select: newestFirst });
}

export function useDataset(id: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.datasets.detail(id ?? ""),
    queryFn: () => datasetsApi.get(id ?? ""),
    enabled: Boolean(id),
  });
}

export function useDatasetPreview(id: Id | undefined, limit = PREVIEW_ROWS) {
  return useQuery({
    queryKey: queryKeys.datasets.preview(id ?? "", limit),
    queryFn: () => datasetsApi.preview(id ?? "", limit),
    enabled: Boolean(id),
    staleTime: Infinity,
  });
}

export function useDatasetStats(id: Id | undefined) {
  return useQuery({
    queryKey: queryKeys.datasets.stats(id ?? ""),
    queryFn: () => datasetsApi.stats(id ?? ""),
    enabled: Boolean(id),
    staleTime: Infinity,
  });
}

/** Errors are left to the caller (`meta.silent`): a multi-table file is a question, and a failure shows inline. */
export function useUploadDataset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (options: UploadOptions) => uploadDataset(options),
    meta: { silent: true },
    onSuccess: (dataset) => {
      client.setQueryData(queryKeys.datasets.detail(dataset.id), dataset);
      void client.invalidateQueries({ queryKey: queryKeys.datasets.list() });
      void client.invalidateQueries({ queryKey: queryKeys.stats });
      toast.success(`Uploaded ${dataset.name}: ${dataset.n_rows.toLocaleString()} rows, ${dataset.n_cols} columns.`);
    },
  });
}

/** Errors (409 while a job trains on it) show in the confirmation dialog (`meta.silent`), not as a toast. */
export function useDeleteDataset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: Id) => datasetsApi.remove(id),
    meta: { silent: true },
    onSuccess: (_data, id) => {
      client.removeQueries({ queryKey: queryKeys.datasets.detail(id) });
      void client.invalidateQueries({ queryKey: queryKeys.datasets.list() });
      void client.invalidateQueries({ queryKey: queryKeys.stats });
      toast.success("Dataset deleted.");
    },
  });
}
