import { useMutation, useQuery } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../../api/client";
import { downloadFile } from "../../api/download";
import { queryKeys } from "../../api/queryKeys";
import type { ClusterReport, Id } from "../../api/types";
import type { Evaluation } from "./evaluation";

const seg = encodeURIComponent;

// Fetched with the bearer header and saved as a blob (api/download.ts): a plain <a href> would be refused with 401.
export const modelFiles = {
  /** The joblib package with its card (and model.onnx when there is one), zipped. */
  packageUrl: (id: Id) => `/api/results/model/${seg(id)}/download`,
  onnxUrl: (id: Id) => `/api/results/model/${seg(id)}/onnx`,
};

export type ModelFile = "package" | "onnx";

/** Downloads one of the model's files; a failure toasts with the server's message. */
export function useModelDownload(id: Id) {
  return useMutation({
    mutationFn: (file: ModelFile) =>
      file === "package"
        ? downloadFile(modelFiles.packageUrl(id), `model-${id}.zip`)
        : downloadFile(modelFiles.onnxUrl(id), `model-${id}.onnx`),
  });
}

/** A model without an evaluation is not an error: the panel says why (the server's 404 `detail`). */
export type EvaluationResult = { status: "ready"; evaluation: Evaluation } | { status: "missing"; reason: string };

export async function fetchEvaluation(id: Id): Promise<EvaluationResult> {
  try {
    const evaluation: Evaluation = await unwrap(
      api.GET("/api/results/model/{model_id}/evaluation", { params: { path: { model_id: id } } }),
    );
    return { status: "ready", evaluation };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { status: "missing", reason: error.message };
    throw error;
  }
}

/** A finished model's evaluation never changes. */
export function useEvaluation(id: Id) {
  return useQuery({ queryKey: queryKeys.models.evaluation(id), queryFn: () => fetchEvaluation(id), staleTime: Infinity });
}

/** A clustering model's report; it never changes once trained, and the server bounds its size (a sample of points). */
export function useClusterReport(id: Id) {
  return useQuery({
    queryKey: queryKeys.models.clusters(id),
    queryFn: (): Promise<ClusterReport> =>
      unwrap(api.GET("/api/results/model/{model_id}/clusters", { params: { path: { model_id: id } } })),
    staleTime: Infinity,
  });
}
