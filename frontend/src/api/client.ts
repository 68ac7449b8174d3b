import createClient from "openapi-fetch";
import { authFetch, authMiddleware } from "./auth";
import { ApiError, errorMessage, parseJson } from "./errors";
import type { paths } from "./schema";

export { ApiError, errorMessage, parseJson };

const UNREACHABLE = "Cannot reach the FlowML server. Is it running?";

/** A failed fetch as an ApiError the user can read; an abort passes through. */
export function networkError(cause: unknown): never {
  // An abort is the caller's own doing (TanStack Query cancelling a stale request): pass it on untouched. An ApiError
  // already speaks for the server (a refused token refresh, say).
  if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
  if (cause instanceof ApiError) throw cause;
  throw new ApiError(0, UNREACHABLE);
}

// openapi-fetch builds a Request, which needs an absolute URL: the page's own origin in the browser (the API is
// same-origin, proxied by Vite in development), a placeholder where there is no page (unit tests stub fetch).
const baseUrl = typeof location === "undefined" ? "http://localhost" : location.origin;

/**
 * The typed client: paths, path and query parameters, request bodies and answers all come from schema.d.ts, so
 * calling an endpoint that does not exist, or with the wrong shape, fails to compile. Wrap calls in `unwrap`.
 * `fetch` is looked up per call so tests can stub the global. authMiddleware adds the session's bearer token and
 * renews it on a 401 (api/auth.ts).
 */
export const api = createClient<paths>({
  baseUrl,
  headers: { Accept: "application/json" },
  fetch: (input: Request) => globalThis.fetch(input),
});
api.use(authMiddleware);

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer of an `api.GET/POST/...` call, or an ApiError whose message is the server's `detail`.
 * `okStatuses`: non-2xx statuses whose body is still the answer (`/health` answers 503 with its report).
 */
export async function unwrap<T>(pending: Promise<Outcome<T>>, okStatuses: readonly number[] = []): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await pending;
  } catch (cause) {
    networkError(cause);
  }
  const { data, error, response } = outcome;
  if (response.ok) return data as T;
  if (okStatuses.includes(response.status)) return error as T;
  throw new ApiError(response.status, errorMessage(response.status, error, response.statusText));
}

// ---------------------------------------------------------------- untyped requests
// For an endpoint the generated schema does not have yet (run `npm run gen:api` and move it to `api`).

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  /** Extra headers (an Authorization of the caller's own is sent as it is, and not renewed on a 401). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Non-2xx statuses whose body is still the answer. */
  okStatuses?: readonly number[];
}

/** An untyped request: the caller vouches for `T`. Prefer `unwrap(api.GET(...))`, which the schema checks. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await authFetch(withQuery(path, options.query), {
      method: options.method ?? "GET",
      headers,
      body,
      signal: options.signal,
    });
  } catch (cause) {
    networkError(cause);
  }
  const text = await response.text();
  const data = text ? parseJson(text) : undefined;
  if (!response.ok && !options.okStatuses?.includes(response.status)) {
    throw new ApiError(response.status, errorMessage(response.status, data, response.statusText));
  }
  return data as T;
}
