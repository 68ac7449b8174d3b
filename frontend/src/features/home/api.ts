import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { metaApi } from "../../api/endpoints";
import type { components } from "../../api/schema";
import { queryKeys } from "../../api/queryKeys";

export type WorkerStatus = components["schemas"]["WorkerStatus"];

/** The home page is a glance, not a monitor: a slow refresh is enough. */
export const HOME_POLL_MS = 15_000;

export function useStats() {
  return useQuery({ queryKey: queryKeys.stats, queryFn: metaApi.stats, refetchInterval: HOME_POLL_MS });
}

/** Every worker, the master's own pool included; shares its cache entry with the Workers page. */
export function useWorkerList() {
  return useQuery({
    queryKey: queryKeys.workers.list(),
    queryFn: (): Promise<WorkerStatus[]> => unwrap(api.GET("/api/workers")),
    refetchInterval: HOME_POLL_MS,
  });
}
