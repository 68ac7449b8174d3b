import { ApiError, errorMessage } from "./client";
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
export function uploadDataset({ file, name, table, sheet, onProgress, signal }: UploadOptions): Promise<Dataset> {
  const form = new FormData();
  form.append("file", file);
  const fields: Partial<UploadFields> = { name, table, sheet };
  for (const [key, value] of Object.entries(fields)) {
    if (value) form.append(key, value);
  }

  return new Promise<Dataset>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", UPLOAD_PATH);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Dataset);
      else reject(new ApiError(xhr.status, errorMessage(xhr.status, body, xhr.statusText)));
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload failed: the server could not be reached."));
    xhr.onabort = () => reject(new ApiError(0, "Upload cancelled."));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}
