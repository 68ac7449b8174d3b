import { useMutation, useQuery } from "@tanstack/react-query";
import { api, parseJson, unwrap, unwrapWithResponse } from "../../api/client";
import { resultsApi } from "../../api/endpoints";
import { queryKeys } from "../../api/queryKeys";
import type { BatchAccepted, Id, PredictRow } from "../../api/types";
import { type BatchResult, type ScoreOptions, batchQuery, batchResult, BATCH_POLL_MS } from "./batch";

/** Errors (an unknown category, a wrong type) show under the form (`meta.silent`). Each answer carries the row's
 *  explanation (`explain: true`, the default): milliseconds for tree models, well under a second for the others. */
export function usePredict(modelId: Id, explain = true) {
  return useMutation({
    mutationFn: (row: PredictRow) => resultsApi.predict(modelId, { row, explain }),
    meta: { silent: true },
  });
}

/** Scored at once (the CSV), or accepted to be scored in the background (with explanations: 202 and a batch). */
export type ScoreAnswer = { kind: "done"; result: BatchResult } | { kind: "accepted"; batch: BatchAccepted };

// The batch endpoints answer CSV (text), so their calls parse the body as text; a 202's body is JSON all the same.
const asText = { parseAs: "text", headers: { Accept: "text/csv, application/json" } } as const;

/** POST the file as multipart `file`; the answer is CSV text, or JSON for a background batch (202). */
export async function scoreFile(
  modelId: Id,
  file: File,
  options: ScoreOptions = { keep: [], explain: false },
  signal?: AbortSignal,
): Promise<ScoreAnswer> {
  const { data, response } = await unwrapWithResponse(
    api.POST("/api/results/model/{model_id}/predict/batch", {
      params: { path: { model_id: modelId }, query: batchQuery(options) },
      // The schema types a file part as a string (its binary format); the serializer sends the File itself.
      body: { file: file as unknown as string },
      bodySerializer: ({ file: part }) => {
        const form = new FormData();
        form.append("file", part as unknown as File);
        return form;
      },
      signal,
      ...asText,
    }),
  );
  if (response.status === 202) return { kind: "accepted", batch: parseJson(data) as BatchAccepted };
  return { kind: "done", result: batchResult(data, file.name, response.headers.get("X-FlowML-Warnings")) };
}

/** The finished background batch's CSV. */
export async function fetchBatchResult(modelId: Id, batchId: string, uploadName: string, warnings: string[]): Promise<BatchResult> {
  const csv = await unwrap(
    api.GET("/api/results/model/{model_id}/predict/batch/{batch_id}/result", {
      params: { path: { model_id: modelId, batch_id: batchId } },
      ...asText,
    }),
  );
  return batchResult(csv, uploadName, warnings.join(" | "), true);
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
