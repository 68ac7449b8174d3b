import { useMutation } from "@tanstack/react-query";
import { resultsApi } from "../../api/endpoints";
import type { Id, PredictRow } from "../../api/types";

/** Errors (an unknown category, a wrong type) show under the form (`meta.silent`). */
export function usePredict(modelId: Id) {
  return useMutation({
    mutationFn: (row: PredictRow) => resultsApi.predict(modelId, { row }),
    meta: { silent: true },
  });
}
