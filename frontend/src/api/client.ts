import createClient from "openapi-fetch";
import { authMiddleware } from "./auth";
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
  return (await unwrapWithResponse(pending, okStatuses)).data;
}

/** `unwrap`, keeping the Response: for answers whose status or headers say something too (202, a warnings header). */
export async function unwrapWithResponse<T>(
  pending: Promise<Outcome<T>>,
  okStatuses: readonly number[] = [],
): Promise<{ data: T; response: Response }> {
  let outcome: Outcome<T>;
  try {
    outcome = await pending;
  } catch (cause) {
    networkError(cause);
  }
  const { data, error, response } = outcome;
  if (response.ok) return { data: data as T, response };
  if (okStatuses.includes(response.status)) return { data: error as T, response };
  throw new ApiError(response.status, errorMessage(response.status, error, response.statusText));
}
