import { ApiError, errorMessage } from "./client";
import type { Dataset } from "./types";

export interface UploadOptions {
  file: File;
  name?: string;
  table?: string;
  sheet?: string;
  /** Called with 0..1 as bytes go out. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** XMLHttpRequest rather than fetch: only XHR reports upload progress. */
export function uploadDataset({ file, name, table, sheet, onProgress, signal }: UploadOptions): Promise<Dataset> {
  const form = new FormData();
  form.append("file", file);
  if (name) form.append("name", name);
  if (table) form.append("table", table);
  if (sheet) form.append("sheet", sheet);

  return new Promise<Dataset>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/datasets/upload");
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
