import { useQuery } from "@tanstack/react-query";
import { resultsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";
import type { Id } from "../../api/types";

export function useModels() {
  return useQuery({ queryKey: queryKeys.models.list(), queryFn: resultsApi.models });
}

export function useModel(id: Id) {
  return useQuery({ queryKey: queryKeys.models.detail(id), queryFn: () => resultsApi.model(id), staleTime: Infinity });
}
