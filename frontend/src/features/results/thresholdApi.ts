import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { Id } from "../../api/types";
import type { components } from "../../api/schema";

export type ThresholdRequest = components["schemas"]["ThresholdRequest"];
export type DecisionThreshold = components["schemas"]["DecisionThreshold"];

const path = (id: Id) => ({ params: { path: { model_id: id } } });

/** Save (a request) or clear (null) the model's decision threshold; the model's card then says what is in force. */
export function useSaveThreshold(id: Id) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: ThresholdRequest | null): Promise<DecisionThreshold | null> => {
      if (body === null) {
        await unwrap(api.DELETE("/api/results/model/{model_id}/threshold", path(id)));
        return null;
      }
      return unwrap(api.PUT("/api/results/model/{model_id}/threshold", { ...path(id), body }));
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.models.detail(id) });
      void client.invalidateQueries({ queryKey: queryKeys.models.list() });
    },
  });
}
