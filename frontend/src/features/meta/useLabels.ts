import { useMemo } from "react";
import { useAlgorithms, useMetrics } from "../training/api";
import { type Labels, makeLabels } from "./labels";

/** The labels of every algorithm and metric (both catalogues are cached for the session). Until they load, names
 * show as they are. */
export function useLabels(): Labels {
  const algorithms = useAlgorithms(undefined);
  const metrics = useMetrics(undefined);
  return useMemo(() => makeLabels(algorithms.data, metrics.data), [algorithms.data, metrics.data]);
}
