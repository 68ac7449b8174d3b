// Links into pages that several features point at (the page itself parses them).

/** The Compare page for these models, or these jobs' delivered models. */
export function compareUrl(kind: "models" | "jobs", ids: readonly string[]): string {
  return `/compare?${kind}=${ids.map(encodeURIComponent).join(",")}`;
}

/** The Train page preselecting this dataset (and target): read back by features/training/initialSelection.ts. */
export function trainLink(datasetId: string, target?: string | null): string {
  const params = new URLSearchParams({ dataset: datasetId });
  if (target) params.set("target", target);
  return `/train?${params.toString()}`;
}
