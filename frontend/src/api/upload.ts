import { accessToken, bearer, renewAfter401 } from "./auth";
import { ApiError, errorMessage, parseJson } from "./client";
import type { paths } from "./schema";
import type { Dataset } from "./types";

const UPLOAD_PATH = "/api/datasets/upload" satisfies keyof paths;
/** The form the upload endpoint takes, from the generated schema: a renamed or new field fails to compile here. */
type UploadForm = NonNullable<paths[typeof UPLOAD_PATH]["post"]["requestBody"]>["content"]["multipart/form-data"];
type UploadFields = Required<{ [K in Exclude<keyof UploadForm, "file">]: NonNullable<UploadForm[K]> }>;

export interface UploadOptions extends Partial<UploadFields> {
  file: File;
  /** Called with 0..1 as bytes go out. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** XMLHttpRequest rather than fetch: only XHR reports upload progress. */
export async function uploadDataset({ file, name, table, sheet, project_id, onProgress, signal }: UploadOptions): Promise<Dataset> {
  const form = new FormData();
  form.append("file", file);
  const fields: Partial<UploadFields> = { name, table, sheet, project_id };
  for (const [key, value] of Object.entries(fields)) {
    if (value) form.append(key, value);
  }

  // Same rules as every other request (api/auth.ts): the bearer token, and one renewal and retry on a 401.
  const used = accessToken();
  const first = await send(form, used, onProgress, signal);
  if (first.status !== 401) return answer(first);
  const token = await renewAfter401(used);
  return answer(token ? await send(form, token, onProgress, signal) : first);
}

interface XhrAnswer {
  status: number;
  statusText: string;
  body: unknown;
}

function answer({ status, statusText, body }: XhrAnswer): Dataset {
  if (status >= 200 && status < 300) return body as Dataset;
  throw new ApiError(status, errorMessage(status, body, statusText));
}

function send(
  form: FormData,
  token: string | null,
  onProgress: ((fraction: number) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<XhrAnswer> {
  return new Promise<XhrAnswer>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", UPLOAD_PATH);
    xhr.setRequestHeader("Accept", "application/json");
    if (token) xhr.setRequestHeader("Authorization", bearer(token));
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      resolve({ status: xhr.status, statusText: xhr.statusText, body: parseJson(xhr.responseText) });
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload failed: the server could not be reached."));
    xhr.onabort = () => reject(new ApiError(0, "Upload cancelled."));
    if (signal?.aborted) {
      reject(new ApiError(0, "Upload cancelled."));
      return;
    }
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
