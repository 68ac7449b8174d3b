import { useMutation } from "@tanstack/react-query";
import { authFetch } from "../../api/auth";
import { ApiError, errorMessage, networkError, parseJson } from "../../api/client";
import { resultsApi } from "../../api/endpoints";
import type { Id, PredictRow } from "../../api/types";
import { type BatchResult, batchResult } from "./batch";

/** Errors (an unknown category, a wrong type) show under the form (`meta.silent`). */
export function usePredict(modelId: Id) {
  return useMutation({
    mutationFn: (row: PredictRow) => resultsApi.predict(modelId, { row }),
    meta: { silent: true },
  });
}

/** POST the file as multipart `file`; the answer is CSV text (client.request expects JSON, hence authFetch here). */
export async function scoreFile(modelId: Id, file: File, signal?: AbortSignal): Promise<BatchResult> {
  const form = new FormData();
  form.append("file", file);
  let response: Response;
  try {
    response = await authFetch(`/api/results/model/${encodeURIComponent(modelId)}/predict/batch`, {
      method: "POST",
      headers: { Accept: "text/csv, application/json" },
      body: form,
      signal,
    });
  } catch (cause) {
    networkError(cause);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ApiError(response.status, errorMessage(response.status, parseJson(text), response.statusText));
  }
  return batchResult(text, file.name, response.headers.get("X-FlowML-Warnings"));
}

/** Failures toast with the server's message (the query client's default for mutations). */
export function useBatchPredict(modelId: Id) {
  return useMutation({ mutationFn: (file: File) => scoreFile(modelId, file) });
}
