import { useMutation, useQueryClient } from "@tanstack/react-query";
import { trainingApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";
import type { TrainingRequest } from "../../api/types";

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
