import { Database } from "lucide-react";
import { Link, useSearchParams } from "react-router";
import { primaryLinkClass } from "../components/Button";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useDatasets } from "../features/datasets/api";
import { TrainForm } from "../features/training/components/TrainForm";
import { initialSelection } from "../features/training/initialSelection";

export function TrainPage() {
  const [params] = useSearchParams();
  const datasets = useDatasets();
  return (
    <>
      <PageHeader title="Train" subtitle="FlowML tries the selected algorithms and tunes them until the time budget runs out." />
      <Card className="max-w-5xl">
        <QueryView query={datasets} loadingLabel="Loading datasets…">
          {(items) =>
            items.length === 0 ? (
              <EmptyState title="Upload a dataset first" icon={<Database className="size-8" aria-hidden />}>
                <Link to="/data" className={`${primaryLinkClass} mt-2`}>
                  Go to Data
                </Link>
              </EmptyState>
            ) : (
              // Keyed by the link, so following another "Train on this" link starts the form afresh.
              <TrainForm
                key={params.toString()}
                datasets={items}
                initial={initialSelection(items, { dataset: params.get("dataset"), target: params.get("target") })}
              />
            )
          }
        </QueryView>
      </Card>
    </>
  );
}
