// Which dataset and target the Train form starts with: the link's ?dataset=&target= when they exist, else the
// newest dataset and its suggested target. A link to something that no longer exists is said, not ignored.
import type { Dataset } from "../../api/types";

export interface InitialSelection {
  datasetId: string;
  target: string;
  /** What the link asked for and could not be honoured, in plain words. */
  notice: string | null;
}

export function initialSelection(
  datasets: readonly Pick<Dataset, "id" | "name" | "columns" | "suggested_target">[],
  params: { dataset?: string | null; target?: string | null },
): InitialSelection {
  const requested = params.dataset ? datasets.find((item) => item.id === params.dataset) : undefined;
  const dataset = requested ?? datasets[0];
  if (!dataset) return { datasetId: "", target: "", notice: null };
  const fallbackTarget = dataset.suggested_target ?? "";
  if (params.dataset && !requested) {
    return { datasetId: dataset.id, target: fallbackTarget, notice: "The dataset in the link no longer exists; showing the newest one." };
  }
  if (params.target) {
    if (dataset.columns.some((column) => column.name === params.target)) {
      return { datasetId: dataset.id, target: params.target, notice: null };
    }
    return {
      datasetId: dataset.id,
      target: fallbackTarget,
      notice: `"${dataset.name}" has no column "${params.target}"; choose the column to predict below.`,
    };
  }
  return { datasetId: dataset.id, target: fallbackTarget, notice: null };
}
