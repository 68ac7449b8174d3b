import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { components } from "../../api/schema";

export type TrainingLimits = components["schemas"]["TrainingLimits"];

const LIMITS_KEY = ["training", "limits"] as const;

/** The server's time-budget default and maximum (settings that change only with a restart). */
export function useTrainingLimits() {
  return useQuery({
    queryKey: LIMITS_KEY,
    queryFn: (): Promise<TrainingLimits> => unwrap(api.GET("/api/training/limits")),
    staleTime: Infinity,
    meta: { silent: true },
  });
}
