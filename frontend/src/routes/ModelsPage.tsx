import { ArrowRightLeft, Boxes } from "lucide-react";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { Button } from "../components/ui/button";
import { compareUrl, MAX_COMPARE, MIN_COMPARE, toggleSelection } from "../features/compare/compare";
import { useFilteredModels } from "../features/history/api";
import { HistoryFilterBar } from "../features/history/components/HistoryFilterBar";
import { isFiltered, readFilters, tagsOf } from "../features/history/filters";
import { useModels } from "../features/results/api";
import { ModelList } from "../features/results/components/ModelList";

export function ModelsPage() {
  const [params] = useSearchParams();
  const filters = readFilters(params);
  const models = useFilteredModels(filters);
  // The unfiltered list says whether there are any models at all, and every tag for the tag menu.
  const all = useModels();
  const [picked, setPicked] = useState<string[]>([]);
  const canCompare = picked.length >= MIN_COMPARE && picked.length <= MAX_COMPARE;
  const compare = (
    <Button asChild={canCompare} variant="secondary" disabled={!canCompare} title={`Tick ${MIN_COMPARE} to ${MAX_COMPARE} models to compare them`}>
      {canCompare ? (
        <Link to={compareUrl("models", picked)}>
          <ArrowRightLeft aria-hidden /> Compare {picked.length}
        </Link>
      ) : (
        <>
          <ArrowRightLeft aria-hidden /> Compare{picked.length > 0 ? ` ${picked.length}` : ""}
        </>
      )}
    </Button>
  );
  return (
    <>
      <PageHeader title="Models" subtitle="Each finished training job keeps its best model." actions={compare} />
      <Card>
        {all.data?.items.length !== 0 && (
          <div className="mb-4">
            <HistoryFilterBar kind="models" tags={tagsOf(all.data?.items ?? [])} />
          </div>
        )}
        <QueryView query={models}>
          {(data) =>
            data.items.length === 0 && isFiltered(filters) ? (
              <EmptyState title="No model matches the search" />
            ) : data.items.length === 0 ? (
              <EmptyState title="No models yet" icon={<Boxes className="size-8" aria-hidden />}>
                A model appears here when a training job completes.{" "}
                <Link to="/train" className="text-accent hover:underline">
                  Train one
                </Link>
                .
              </EmptyState>
            ) : (
              <ModelList searchable={false} models={data.items} selection={{ selected: picked, onToggle: (id) => setPicked((current) => toggleSelection(current, id)) }} />
            )
          }
        </QueryView>
      </Card>
    </>
  );
}
