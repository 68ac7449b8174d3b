import { useMutation, useQuery } from "@tanstack/react-query";
import { authFetch } from "../../api/auth";
import { ApiError, errorMessage, networkError, parseJson } from "../../api/client";
import { resultsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";
import type { BatchAccepted, Id, PredictRow } from "../../api/types";
import { type BatchResult, type ScoreOptions, batchResult, batchUrl, BATCH_POLL_MS } from "./batch";

/** Errors (an unknown category, a wrong type) show under the form (`meta.silent`). Each answer carries the row's
 *  explanation (`explain: true`): milliseconds for tree models, well under a second for the others. */
export function usePredict(modelId: Id) {
  return useMutation({
    mutationFn: (row: PredictRow) => resultsApi.predict(modelId, { row, explain: true }),
    meta: { silent: true },
  });
}

/** Scored at once (the CSV), or accepted to be scored in the background (with explanations: 202 and a batch). */
export type ScoreAnswer = { kind: "done"; result: BatchResult } | { kind: "accepted"; batch: BatchAccepted };

async function send(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await authFetch(url, init);
  } catch (cause) {
    networkError(cause);
  }
  return response;
}

async function failure(response: Response): Promise<never> {
  const text = await response.text();
  throw new ApiError(response.status, errorMessage(response.status, parseJson(text), response.statusText));
}

/** POST the file as multipart `file`; the answer is CSV text, or JSON for a background batch (client.request expects
 *  JSON only, hence authFetch here). */
export async function scoreFile(
  modelId: Id,
  file: File,
  options: ScoreOptions = { keep: [], explain: false },
  signal?: AbortSignal,
): Promise<ScoreAnswer> {
  const form = new FormData();
  form.append("file", file);
  const response = await send(batchUrl(modelId, options), {
    method: "POST",
    headers: { Accept: "text/csv, application/json" },
    body: form,
    signal,
  });
  if (!response.ok) return failure(response);
  if (response.status === 202) return { kind: "accepted", batch: (await response.json()) as BatchAccepted };
  return { kind: "done", result: batchResult(await response.text(), file.name, response.headers.get("X-FlowML-Warnings")) };
}

/** The finished background batch's CSV. */
export async function fetchBatchResult(resultUrl: string, uploadName: string, warnings: string[]): Promise<BatchResult> {
  const response = await send(resultUrl, { headers: { Accept: "text/csv, application/json" } });
  if (!response.ok) return failure(response);
  return batchResult(await response.text(), uploadName, warnings.join(" | "), true);
}

/** Failures toast with the server's message (the query client's default for mutations). */
export function useBatchPredict(modelId: Id) {
  return useMutation({ mutationFn: ({ file, options }: { file: File; options: ScoreOptions }) => scoreFile(modelId, file, options) });
}

/** Columns the scored file can carry over, and the suggested ones (the model's id columns). */
export function usePassThrough(modelId: Id) {
  return useQuery({ queryKey: queryKeys.models.passThrough(modelId), queryFn: () => resultsApi.passThrough(modelId), staleTime: Infinity });
}

/** A background batch's status, asked every BATCH_POLL_MS while it runs. */
export function useBatchStatus(modelId: Id, batchId: string | null) {
  return useQuery({
    queryKey: queryKeys.models.batch(modelId, batchId ?? ""),
    queryFn: () => resultsApi.batchStatus(modelId, batchId as string),
    enabled: batchId !== null,
    refetchInterval: (query) => (query.state.data?.state === "running" || query.state.data === undefined ? BATCH_POLL_MS : false),
  });
}
