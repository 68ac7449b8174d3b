// The server's catalogues (algorithms, preprocessing steps, metrics) and the labels made from them: read by most pages, fixed while the
// server runs, so cached for the session.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { type Labels, makeLabels } from "../../lib/labels";
import { metaApi } from "../endpoints";
import { queryKeys } from "../queryKeys";
import type { ProblemType } from "../types";

export function useAlgorithms(task: ProblemType | undefined) {
  return useQuery({
    queryKey: queryKeys.catalogue.algorithms(task),
    queryFn: () => metaApi.algorithms(task),
    staleTime: Infinity,
  });
}

export function useMetrics(task: ProblemType | undefined) {
  return useQuery({
    queryKey: queryKeys.catalogue.metrics(task),
    queryFn: () => metaApi.metrics(task),
    staleTime: Infinity,
  });
}

/** The preprocessing steps a job may name (built-in and plugins'), with their labels and search spaces. */
export function usePreprocessors() {
  return useQuery({ queryKey: queryKeys.catalogue.preprocessors, queryFn: metaApi.preprocessors, staleTime: Infinity });
}

/** The labels of every algorithm, metric and preprocessing step. Until the catalogues load, names show as they are. */
export function useLabels(): Labels {
  const algorithms = useAlgorithms(undefined);
  const metrics = useMetrics(undefined);
  const steps = usePreprocessors();
  return useMemo(
    () => makeLabels(algorithms.data, metrics.data, steps.data),
    [algorithms.data, metrics.data, steps.data],
  );
}
