import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type { Comparison, CompareTarget } from "./compare";

export function fetchComparison(target: CompareTarget): Promise<Comparison> {
  const query = target.kind === "models" ? { models: target.ids.join(",") } : { jobs: target.ids.join(",") };
  return unwrap(api.GET("/api/results/compare", { params: { query } }));
}

/** A comparison of finished models does not change while the page is open (a rename shows on the next visit). */
export function useComparison(target: CompareTarget) {
  return useQuery({
    queryKey: queryKeys.compare(target.kind, target.ids),
    queryFn: () => fetchComparison(target),
    staleTime: 60_000,
  });
}
