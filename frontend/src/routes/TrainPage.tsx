import { Database } from "lucide-react";
import { Link, useSearchParams } from "react-router";
import { buttonVariants } from "../components/ui/button";
import { Card, CardContent } from "../components/ui/card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState, ErrorBanner, Loading } from "../components/States";
import { cn } from "../lib/cn";
import { useDatasets } from "../api/hooks/datasets";
import { TrainForm } from "../features/training/components/TrainForm";
import { initialSelection } from "../features/training/initialSelection";
import { cloneSelection, useCloneDefaults } from "../features/training/useCloneDefaults";

export function TrainPage() {
  const [params] = useSearchParams();
  const datasets = useDatasets();
  // ?clone=<job id>: "Clone job" on a job page; the form waits for the job's settings.
  const cloneId = params.get("clone");
  const clone = useCloneDefaults(cloneId);
  return (
    <>
      <PageHeader title="Train" subtitle="FlowML tries the selected algorithms and tunes them until the time budget runs out." />
      <Card className="max-w-5xl">
        <CardContent>
          {clone.isError && <ErrorBanner message={`The job to clone could not be loaded: ${clone.error.message}`} />}
          <QueryView query={datasets} loadingLabel="Loading datasets…">
            {(items) =>
              items.length === 0 ? (
                <EmptyState title="Upload a dataset first" icon={<Database className="size-8" aria-hidden />}>
                  <Link to="/data" className={cn(buttonVariants(), "mt-2")}>
                    Go to Data
                  </Link>
                </EmptyState>
              ) : (
                // Keyed by the link, so following another "Train on this" link starts the form afresh.
                cloneId && clone.isPending ? (
                  <Loading label="Loading the job's settings…" />
                ) : (
                  <TrainForm
                    key={params.toString()}
                    datasets={items}
                    clone={clone.data}
                    initial={
                      clone.data
                        ? cloneSelection(items, clone.data)
                        : initialSelection(items, { dataset: params.get("dataset"), target: params.get("target") })
                    }
                  />
                )
              )
            }
          </QueryView>
        </CardContent>
      </Card>
    </>
  );
}
