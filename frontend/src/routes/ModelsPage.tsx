import { Boxes } from "lucide-react";
import { Link } from "react-router";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { useModels } from "../features/results/api";
import { ModelList } from "../features/results/components/ModelList";

export function ModelsPage() {
  const models = useModels();
  return (
    <>
      <PageHeader title="Models" subtitle="Each finished training job keeps its best model." />
      <Card>
        <QueryView query={models}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState title="No models yet" icon={<Boxes className="size-8" aria-hidden />}>
                A model appears here when a training job completes.{" "}
                <Link to="/train" className="text-accent hover:underline">
                  Train one
                </Link>
                .
              </EmptyState>
            ) : (
              <ModelList models={data.items} />
            )
          }
        </QueryView>
      </Card>
    </>
  );
}
