// Filtering and sorting the list of models. Pure.
import type { Model } from "../../api/types";
import { parseUtc } from "../../lib/time";
import type { SortDirection } from "../../lib/leaderboard";

export type ModelSortKey = "algorithm" | "target" | "score" | "created";

export interface ModelSort {
  key: ModelSortKey;
  direction: SortDirection;
}

/** Case-insensitive match on the algorithm, the target, the metric, the task or the id's start. */
export function filterModels(models: readonly Model[], text: string): Model[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...models];
  return models.filter((model) =>
    [model.algorithm, model.target ?? "", model.metric, model.problem_type, model.id].some((value) => value.toLowerCase().includes(needle)),
  );
}

/** Models without a score sort last either way. Scores of different metrics are sorted as plain numbers. */
export function sortModels(models: readonly Model[], sort: ModelSort): Model[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  const value = (model: Model): number | string | null => {
    switch (sort.key) {
      case "algorithm":
        return model.algorithm.toLowerCase();
      case "target":
        return (model.target ?? "").toLowerCase();
      case "score":
        return model.cv_score;
      case "created":
        return parseUtc(model.created_at);
    }
  };
  return [...models].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    if (typeof va === "string" && typeof vb === "string") return sign * va.localeCompare(vb);
    return sign * ((va as number) - (vb as number));
  });
}

export function nextModelSort(current: ModelSort, key: ModelSortKey): ModelSort {
  if (current.key === key) return { key, direction: current.direction === "asc" ? "desc" : "asc" };
  return { key, direction: key === "algorithm" || key === "target" ? "asc" : "desc" };
}
