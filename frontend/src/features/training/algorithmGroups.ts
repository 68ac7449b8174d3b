// Algorithms grouped by family (GET /api/algorithms `family`), in an order and with names an analyst can follow.
import type { AlgorithmInfo } from "../../api/types";

export const FAMILY_TEXT: Record<string, { label: string; explain: string }> = {
  boosting: { label: "Gradient boosting", explain: "many small trees, each fixing the last one's mistakes; often the most accurate" },
  bagging: { label: "Forests", explain: "many trees voting together; robust with little tuning" },
  tree: { label: "Decision trees", explain: "a single tree of yes/no questions; easy to read" },
  linear: { label: "Linear models", explain: "weighted sums of the columns; fast and simple" },
  svm: { label: "Support vector machines", explain: "find the widest boundary between outcomes" },
  neighbors: { label: "Nearest neighbours", explain: "predict from the most similar rows" },
  bayes: { label: "Naive Bayes", explain: "probabilities per column; very fast" },
  neural: { label: "Neural networks", explain: "layers of weighted sums; flexible but slower" },
};

const FAMILY_ORDER = Object.keys(FAMILY_TEXT);

export interface AlgorithmGroup {
  family: string;
  label: string;
  explain: string;
  algorithms: AlgorithmInfo[];
}

function familyRank(family: string): number {
  const index = FAMILY_ORDER.indexOf(family);
  return index < 0 ? FAMILY_ORDER.length : index;
}

/** Known families first in FAMILY_TEXT order, unknown ones after by name; algorithms by label within a family. */
export function groupByFamily(algorithms: readonly AlgorithmInfo[]): AlgorithmGroup[] {
  const groups = new Map<string, AlgorithmInfo[]>();
  for (const algorithm of algorithms) {
    const family = algorithm.family || "other";
    groups.set(family, [...(groups.get(family) ?? []), algorithm]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => familyRank(a) - familyRank(b) || a.localeCompare(b))
    .map(([family, items]) => ({
      family,
      label: FAMILY_TEXT[family]?.label ?? family.charAt(0).toUpperCase() + family.slice(1),
      explain: FAMILY_TEXT[family]?.explain ?? "",
      algorithms: [...items].sort((a, b) => a.label.localeCompare(b.label)),
    }));
}
