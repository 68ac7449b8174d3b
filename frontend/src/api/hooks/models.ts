import { useQuery } from "@tanstack/react-query";
import { resultsApi } from "../endpoints";
import { queryKeys } from "../queryKeys";
import type { Id } from "../types";

export function useModels() {
  return useQuery({ queryKey: queryKeys.models.list(), queryFn: resultsApi.models });
}

/** A model's record; its card does not change once trained (renames update this entry directly). */
export function useModel(id: Id) {
  return useQuery({ queryKey: queryKeys.models.detail(id), queryFn: () => resultsApi.model(id), staleTime: Infinity });
}
