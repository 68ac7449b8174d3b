// Files from the API (a model package, its ONNX graph) need the bearer header, which a plain <a href> cannot send:
// fetch them with it, then hand the blob to the browser as a download.
import { authFetch } from "./auth";
import { ApiError, errorMessage, networkError, parseJson } from "./client";

/** The file name in a Content-Disposition header: RFC 5987's `filename*=UTF-8''…` first, then `filename="…"`. */
export function filenameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // A malformed escape: fall back to the plain name.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  const name = (plain?.[2] ?? plain?.[1])?.trim();
  return name || null;
}

/** Saves a blob under `filename` through a temporary link, the only way a page can start a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: some browsers read the URL after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** GETs `path` with the session's credentials and saves the answer; throws an ApiError with the server's message. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  let response: Response;
  try {
    response = await authFetch(path);
  } catch (cause) {
    networkError(cause);
  }
  if (!response.ok) {
    const body = parseJson(await response.text());
    throw new ApiError(response.status, errorMessage(response.status, body, response.statusText));
  }
  const blob = await response.blob();
  saveBlob(blob, filenameFromDisposition(response.headers.get("Content-Disposition")) ?? fallbackName);
}
