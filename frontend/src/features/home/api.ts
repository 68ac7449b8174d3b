import { useQuery } from "@tanstack/react-query";
import { metaApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";

/** The home page is a glance, not a monitor: a slow refresh is enough. */
export const HOME_POLL_MS = 15_000;

export function useStats() {
  return useQuery({ queryKey: queryKeys.stats, queryFn: metaApi.stats, refetchInterval: HOME_POLL_MS });
}
