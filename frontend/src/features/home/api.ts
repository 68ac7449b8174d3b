import { useQuery } from "@tanstack/react-query";
import { metaApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";

export function useStats() {
  return useQuery({ queryKey: queryKeys.stats, queryFn: metaApi.stats, refetchInterval: 15_000 });
}
