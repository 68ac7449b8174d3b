import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import { toast } from "./toast";

declare module "@tanstack/react-query" {
  interface Register {
    queryMeta: { silent?: boolean };
    mutationMeta: { silent?: boolean };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

/** A 401 that outlived the token refresh means the session is over: the route guard is on its way to /login. */
function sessionEnded(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/**
 * Server errors show their `detail`: a failed first load shows inline (QueryView's banner), a failed background
 * refetch of data already on screen and every failed mutation show a toast, unless marked `meta.silent` or the
 * session ended.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!query.meta?.silent && query.state.data !== undefined && !sessionEnded(error)) toast.error(messageOf(error));
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (!mutation.meta?.silent && !sessionEnded(error)) toast.error(messageOf(error));
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        // A 4xx will not change on retry; a network blip might.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}
