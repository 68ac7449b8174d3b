// Which dataset and target the Train form starts with: the link's ?dataset=&target= when they exist, else the
// newest dataset and no target. A link to something that no longer exists is said, not ignored. Without a target
// in the link, the form pre-selects the server's first target candidate once the dataset's stats arrive, and only
// when the server is confident (`preselectedTarget`); otherwise the select starts empty and asks.
import type { Dataset, TargetCandidate } from "../../api/types";

export interface InitialSelection {
  datasetId: string;
  /** The link's target; "" lets the form pre-select from the server's ranking (or leave the choice to the user). */
  target: string;
  /** What the link asked for and could not be honoured, in plain words. */
  notice: string | null;
}

export function initialSelection(
  datasets: readonly Pick<Dataset, "id" | "name" | "columns">[],
  params: { dataset?: string | null; target?: string | null },
): InitialSelection {
  const requested = params.dataset ? datasets.find((item) => item.id === params.dataset) : undefined;
  const dataset = requested ?? datasets[0];
  if (!dataset) return { datasetId: "", target: "", notice: null };
  if (params.dataset && !requested) {
    return { datasetId: dataset.id, target: "", notice: "The dataset in the link no longer exists; showing the newest one." };
  }
  if (params.target) {
    if (dataset.columns.some((column) => column.name === params.target)) {
      return { datasetId: dataset.id, target: params.target, notice: null };
    }
    return {
      datasetId: dataset.id,
      target: "",
      notice: `"${dataset.name}" has no column "${params.target}"; choose the column to predict below.`,
    };
  }
  return { datasetId: dataset.id, target: "", notice: null };
}

/** The column to pre-select: the server's first candidate when its confidence is high, else none (""). */
export function preselectedTarget(
  candidates: readonly Pick<TargetCandidate, "name" | "confidence">[] | undefined,
  columns: readonly Pick<Dataset["columns"][number], "name">[],
): string {
  const first = candidates?.[0];
  if (!first || first.confidence !== "high") return "";
  return columns.some((column) => column.name === first.name) ? first.name : "";
}
