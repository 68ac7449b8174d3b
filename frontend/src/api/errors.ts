// Errors as the user reads them. Its own module so that auth.ts can raise them without importing client.ts (which
// installs auth.ts's middleware when it loads).
import type { ApiErrorBody } from "./types";

/** An error answered by the server (`{detail}`) or by the network, with a message fit for the user. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === "object" && value !== null && typeof (value as ApiErrorBody).detail === "string";
}

/** FastAPI answers `{detail: string}`, but its own validation errors carry `detail: [{msg, loc}]`. */
export function errorMessage(status: number, body: unknown, fallback = ""): string {
  if (isErrorBody(body)) return body.detail;
  if (typeof body === "object" && body !== null && Array.isArray((body as { detail?: unknown }).detail)) {
    const items = (body as { detail: { msg?: string; loc?: (string | number)[] }[] }).detail;
    return items.map((item) => [item.loc?.slice(1).join("."), item.msg].filter(Boolean).join(": ")).join("; ");
  }
  return fallback || `Request failed (HTTP ${status})`;
}

/** The JSON in `text`, or undefined when it is not JSON (an HTML error page from a proxy, say). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
