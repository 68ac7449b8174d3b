/** The Train page preselecting this dataset (and target): read back by training/initialSelection.ts. */
export function trainLink(datasetId: string, target?: string | null): string {
  const params = new URLSearchParams({ dataset: datasetId });
  if (target) params.set("target", target);
  return `/train?${params.toString()}`;
}
