import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { Job, Model, Page } from "../../api/types";
import { isActive } from "../../lib/jobStatus";
import { type HistoryFilters, toQuery } from "./filters";

export const historyApi = {
  jobs: (filters: HistoryFilters): Promise<Page<Job>> =>
    unwrap(api.GET("/api/training/jobs", { params: { query: toQuery(filters) } })),
  models: async (filters: HistoryFilters): Promise<Page<Model>> => {
    const { status: _jobsOnly, ...query } = toQuery(filters);
    // Model narrows the card's free-form JSON (api/types.ts), hence the cast.
    return (await unwrap(api.GET("/api/results/models", { params: { query } }))) as Page<Model>;
  },
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
