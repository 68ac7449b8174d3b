import { FileText } from "lucide-react";
import { useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { ApiError } from "../../../api/client";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { Card, CardContent } from "../../../components/ui/card";
import { Skeleton } from "../../../components/ui/skeleton";
import { shortId } from "../../../lib/format";
import { useJobChoices, useLog } from "../api";
import { countLevels, filterLog, isStaticAssetRequest, parseLog } from "../parse";
import { LogToolbar, type LogOptions } from "./LogToolbar";
import { LogViewer } from "./LogViewer";

interface SummaryProps {
  shown: number;
  total: number;
  errors: number;
  warnings: number;
  /** Static-file requests left out, when they are hidden. */
  assetsHidden: number;
}

function Summary({ shown, total, errors, warnings, assetsHidden }: SummaryProps) {
  return (
    <p className="text-xs text-muted" aria-live="polite">
      Showing {shown.toLocaleString()} of {total.toLocaleString()} entries
      {assetsHidden > 0 && ` (${assetsHidden.toLocaleString()} page file requests hidden)`}
      {errors > 0 && <span className="text-danger"> · {errors} errors</span>}
      {warnings > 0 && <span className="text-warn"> · {warnings} warnings</span>}
    </p>
  );
}

export function LogsView() {
  // The chosen job lives in the address (?job=<id>) so a job page can link straight to its log.
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job");
  const [rest, setRest] = useState<Omit<LogOptions, "jobId">>({
    level: "all",
    search: "",
    tail: 500,
    follow: true,
    showAssets: false,
  });
  const options: LogOptions = { ...rest, jobId };

  const log = useLog(jobId, rest.tail, rest.follow);
  const jobs = useJobChoices();
  const entries = useMemo(() => parseLog(log.data ?? []), [log.data]);
  const shown = useMemo(
    () => filterLog(entries, rest.level, rest.search, { hideAssets: !rest.showAssets }),
    [entries, rest.level, rest.search, rest.showAssets],
  );
  const assetsHidden = useMemo(
    () => (rest.showAssets ? 0 : entries.filter(isStaticAssetRequest).length),
    [entries, rest.showAssets],
  );
  const counts = useMemo(() => countLevels(entries), [entries]);

  function onChange({ jobId: nextJob, ...patch }: Partial<LogOptions>) {
    if (nextJob !== undefined) {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (nextJob) next.set("job", nextJob);
          else next.delete("job");
          return next;
        },
        { replace: true },
      );
    }
    setRest((current) => ({ ...current, ...patch }));
  }

  const source = jobId ? `Log of job ${shortId(jobId)}` : "Server log";
  // A job that has not started has no log file yet: the server answers 404, which is a state, not a failure.
  const missing = log.error instanceof ApiError && log.error.status === 404 ? log.error.message : null;
  const unknownJob = Boolean(jobId && jobs.data && !jobs.data.some((job) => job.id === jobId));

  return (
    <Card>
      <CardContent className="space-y-4">
        <LogToolbar options={options} onChange={onChange} onRefresh={() => void log.refetch()} refreshing={log.isFetching} />
        {log.isError && missing === null && <ErrorBanner message={log.error.message} />}
        {missing !== null ? (
          <EmptyState
            title={unknownJob ? "No such job" : "No log for this job yet"}
            icon={<FileText className="size-8" aria-hidden />}
          >
            {unknownJob
              ? `The server does not know this job (${missing}). Pick another log above.`
              : `A job writes its log once it starts training (${missing}).`}
          </EmptyState>
        ) : log.data === undefined ? (
          log.isError ? null : <Skeleton className="h-[calc(100vh-19rem)] min-h-80" />
        ) : entries.length === 0 ? (
          <EmptyState title="The log is empty" icon={<FileText className="size-8" aria-hidden />}>
            {jobId
              ? "Nothing was written for this job yet."
              : "The server writes its log here when started with `flowml server` or `flowml up`."}
          </EmptyState>
        ) : (
          <>
            <Summary
              shown={shown.length}
              total={entries.length}
              errors={(counts.ERROR ?? 0) + (counts.CRITICAL ?? 0)}
              warnings={counts.WARNING ?? 0}
              assetsHidden={assetsHidden}
            />
            {shown.length === 0 ? (
              <EmptyState title="No entries match" icon={<FileText className="size-8" aria-hidden />}>
                Change the search words or show more levels.
              </EmptyState>
            ) : (
              <LogViewer entries={shown} follow={rest.follow} label={source} />
            )}
          </>
        )}
      </CardContent>
    </Card>
  );
}
