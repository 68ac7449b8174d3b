import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { metaApi, trainingApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";
import type { ProblemType, TrainingRequest } from "../../api/types";

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

/** A refusal is toasted with the server's message by the query client (not `meta.silent`); the form shows it too. */
export function useStartTraining() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TrainingRequest) => trainingApi.start(body),
    onSuccess: (job) => {
      client.setQueryData(queryKeys.jobs.detail(job.id), job);
      void client.invalidateQueries({ queryKey: queryKeys.jobs.list() });
      void client.invalidateQueries({ queryKey: queryKeys.stats });
    },
  });
}
