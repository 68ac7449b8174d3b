import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorBanner, Loading } from "./States";

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}

/** Loading, error (the server's `detail`) or the data: the three states every server-backed panel has. */
export function QueryView<T>({ query, loadingLabel, children }: QueryViewProps<T>) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.isError) return <ErrorBanner message={query.error.message} />;
  return <Loading label={loadingLabel} />;
}
