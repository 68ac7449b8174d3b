/** Within this many pixels of the bottom counts as "at the bottom": the user is following the log. */
export const FOLLOW_SLACK_PX = 24;

/** Whether a scrolled box shows its last line, so new lines should keep it pinned to the bottom. */
export function isNearBottom(box: { scrollTop: number; scrollHeight: number; clientHeight: number }): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= FOLLOW_SLACK_PX;
}

/** `/logs?job=<id>`: the full log viewer, filtered to this job. */
export function logsPageUrl(jobId: string): string {
  return `/logs?${new URLSearchParams({ job: jobId }).toString()}`;
}
