import { Info } from "lucide-react";
import type { Model } from "../../../api/types";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { useJob } from "../../../api/hooks/jobs";
import { readCard } from "../card";
import { FeatureImportance } from "./FeatureImportance";
import { InputSchemaTable } from "./InputSchemaTable";
import { ModelFacts } from "./ModelFacts";
import { ClusterList } from "./clusters/ClusterList";
import { isClustering } from "../../../lib/problemType";

function Notes({ notes }: { notes: string[] }) {
  return (
    <ul className="space-y-1.5 text-sm">
      {notes.map((note) => (
        <li key={note} className="flex items-start gap-2">
          <Info className="mt-0.5 size-4 shrink-0 text-muted" aria-hidden />
          <span>{note}</span>
        </li>
      ))}
    </ul>
  );
}

/** The model card: facts, what drives the predictions, what it needs as input, and the engine's notes. */
export function ModelOverview({ model }: { model: Model }) {
  const card = readCard(model);
  const job = useJob(model.job_id);
  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Model card</CardTitle>
          </CardHeader>
          <CardContent>
            <ModelFacts model={model} card={card} job={job.data} />
          </CardContent>
        </Card>
        {isClustering(model.problem_type) ? (
          <Card>
            <CardHeader>
              <CardTitle>The clusters</CardTitle>
            </CardHeader>
            <CardContent className="space-y-6">
              <ClusterList clusters={model.card?.clustering?.clusters ?? []} />
              {Object.keys(model.feature_importance).length > 0 && (
                <div className="space-y-2">
                  <h3 className="text-sm font-semibold">Which columns decide a row&apos;s cluster</h3>
                  <FeatureImportance importance={model.feature_importance} />
                  <p className="text-xs text-muted">
                    The share of rows that move to another cluster when a column&apos;s values are shuffled: the longer the bar, the more the
                    clusters depend on it.
                  </p>
                </div>
              )}
            </CardContent>
          </Card>
        ) : (
          <Card>
            <CardHeader>
              <CardTitle>What drives the prediction</CardTitle>
            </CardHeader>
            <CardContent>
              <FeatureImportance importance={model.feature_importance} />
              <p className="mt-3 text-xs text-muted">
                How much the score drops when a column&apos;s values are shuffled: the longer the bar, the more the model relies on it.
              </p>
            </CardContent>
          </Card>
        )}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Input columns</CardTitle>
          </CardHeader>
          <CardContent>
            <InputSchemaTable schema={model.card?.input_schema ?? []} dropped={card.dropped.filter((column) => column.name !== model.target)} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Notes from training</CardTitle>
          </CardHeader>
          <CardContent>
            {card.notes.length > 0 ? <Notes notes={card.notes} /> : <p className="text-sm text-muted">Training left no notes.</p>}
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
