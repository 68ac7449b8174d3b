/** The Logs page opened on one job's log: link here from a job's page. */
export function jobLogHref(jobId: string): string {
  return `/logs?job=${encodeURIComponent(jobId)}`;
}
