import { ListChecks } from "lucide-react";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { buttonVariants } from "../components/ui/button";
import { Card, CardContent } from "../components/ui/card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { toggleSelection } from "../features/compare/compare";
import { CompareButton } from "../features/compare/components/CompareButton";
import { useFilteredJobs } from "../features/history/api";
import { HistoryFilterBar } from "../features/history/components/HistoryFilterBar";
import { isFiltered, readFilters, tagsOf } from "../features/history/filters";
import { useJobs } from "../api/hooks/jobs";
import { JobFilterTabs } from "../features/jobs/components/JobFilterTabs";
import { JobList } from "../features/jobs/components/JobList";
import { JOB_FILTERS, type JobFilter, matchesFilter } from "../features/jobs/list";

function isGroup(value: string | null): value is JobFilter {
  return JOB_FILTERS.some((item) => item.value === value);
}

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const jobs = useFilteredJobs(filters);
  // The unfiltered list (shared with other pages' cache) says whether there are any jobs at all, and every tag.
  const all = useJobs();
  // Finished jobs ticked to compare their delivered models side by side.
  const [picked, setPicked] = useState<string[]>([]);
  const shown = params.get("show");
  const group: JobFilter = isGroup(shown) ? shown : "all";
  const setGroup = (value: JobFilter) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === "all") next.delete("show");
        else next.set("show", value);
        return next;
      },
      { replace: true },
    );
  return (
    <>
      <PageHeader
        title="Training jobs"
        subtitle="Every training run: open one to watch it live or to see its results."
        actions={
          <>
            <CompareButton kind="jobs" picked={picked} />
            <Link to="/train" className={buttonVariants()}>
              New training
            </Link>
          </>
        }
      />
      <Card>
        <CardContent>
          {all.data?.length === 0 && !isFiltered(filters) ? (
            <EmptyState title="No training jobs yet" icon={<ListChecks className="size-8" aria-hidden />}>
              <Link to="/data" className="text-accent hover:underline">
                Upload a dataset
              </Link>{" "}
              first, then{" "}
              <Link to="/train" className="text-accent hover:underline">
                start a training job
              </Link>
              : FlowML tries many models and keeps the best.
            </EmptyState>
          ) : (
            <div className="space-y-4">
              <HistoryFilterBar kind="jobs" tags={tagsOf(all.data ?? [])} />
              <QueryView query={jobs} loadingLabel="Loading jobs…">
                {(data) => {
                  const matching = data.items.filter((job) => matchesFilter(job, group));
                  return (
                    <div className="space-y-4">
                      <JobFilterTabs jobs={data.items} value={group} onChange={setGroup} />
                      {matching.length === 0 ? (
                        <EmptyState title={isFiltered(filters) ? "No job matches the search" : "No jobs in this group"} />
                      ) : (
                        <JobList
                          jobs={matching}
                          selection={{ selected: picked, onToggle: (id) => setPicked((current) => toggleSelection(current, id)) }}
                        />
                      )}
                    </div>
                  );
                }}
              </QueryView>
            </div>
          )}
        </CardContent>
      </Card>
    </>
  );
}
