import { ScrollText } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import type { Id } from "../../../api/types";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { ErrorBanner, Loading } from "../../../components/States";
import { useIsAdmin } from "../../../api/hooks/session";
import { JOB_LOG_TAIL, useJobLog } from "../../../api/hooks/jobs";
import { isNearBottom, logsPageUrl } from "../logs";

/** The job's last log lines, refreshed every 2 s while it runs, pinned to the newest line unless scrolled up. */
export function JobLogs({ jobId, live }: { jobId: Id; live: boolean }) {
  const log = useJobLog(jobId, live);
  const admin = useIsAdmin();
  const box = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const lines = log.data?.lines;

  useEffect(() => {
    const el = box.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  return (
    <Card>
      <CardHeader>
        <CardTitle>Log</CardTitle>
        <CardAction>
          <div className="flex items-center gap-4 text-sm">
            <label className="flex items-center gap-2 text-muted">
              <input
                type="checkbox"
                checked={follow}
                onChange={(event) => setFollow(event.target.checked)}
                className="accent-[var(--accent)]"
              />
              Follow new lines
            </label>
            {/* The Logs page is for admins (it also holds the server log); members read the job's log here. */}
            {admin && (
              <Link to={logsPageUrl(jobId)} className="inline-flex items-center gap-1 text-accent hover:underline">
                <ScrollText className="size-4" aria-hidden /> Open in Logs
              </Link>
            )}
          </div>
        </CardAction>
      </CardHeader>
      <CardContent>
        {log.isError && !lines && <ErrorBanner message={log.error.message} />}
        {log.isPending && <Loading label="Loading the log…" />}
        {lines && (
          <div
            ref={box}
            role="log"
            aria-label="Job log"
            tabIndex={0}
            onScroll={(event) => setFollow(isNearBottom(event.currentTarget))}
            className="h-72 overflow-auto rounded-md border border-line bg-bg p-3 font-mono text-xs leading-relaxed"
          >
            {lines.length === 0 ? (
              <p className="text-muted">Nothing logged yet. Lines appear here as the job works.</p>
            ) : (
              lines.map((line, index) => (
                // Lines have no identity of their own; the window only ever shifts by whole lines.
                <div key={index} className="break-all whitespace-pre-wrap">
                  {line}
                </div>
              ))
            )}
          </div>
        )}
        {lines && (
          <p className="mt-2 text-xs text-muted">
            The last {JOB_LOG_TAIL} lines{live ? ", refreshed every 2 seconds" : ""}.
            {log.isError && ` Refresh failed: ${log.error.message}`}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
