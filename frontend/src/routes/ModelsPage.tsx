import { Boxes } from "lucide-react";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { Card, CardContent } from "../components/ui/card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { toggleSelection } from "../features/compare/compare";
import { CompareButton } from "../features/compare/components/CompareButton";
import { useFilteredModels } from "../features/history/api";
import { HistoryFilterBar } from "../features/history/components/HistoryFilterBar";
import { isFiltered, readFilters, tagsOf } from "../features/history/filters";
import { useModels } from "../api/hooks/models";
import { ModelList } from "../features/results/components/ModelList";

export function ModelsPage() {
  const [params] = useSearchParams();
  const filters = readFilters(params);
  const models = useFilteredModels(filters);
  // The unfiltered list says whether there are any models at all, and every tag for the tag menu.
  const all = useModels();
  const [picked, setPicked] = useState<string[]>([]);
  return (
    <>
      <PageHeader title="Models" subtitle="Each finished training job keeps its best model." actions={<CompareButton kind="models" picked={picked} />} />
      <Card>
        <CardContent>
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
        </CardContent>
      </Card>
    </>
  );
}
