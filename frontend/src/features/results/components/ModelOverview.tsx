import { Info } from "lucide-react";
import type { Model } from "../../../api/types";
import { Card } from "../../../components/Card";
import { useJob } from "../../jobs/api";
import { readCard } from "../card";
import { FeatureImportance } from "./FeatureImportance";
import { InputSchemaTable } from "./InputSchemaTable";
import { ModelFacts } from "./ModelFacts";

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
        <Card title="Model card">
          <ModelFacts model={model} card={card} job={job.data} />
        </Card>
        <Card title="What drives the prediction">
          <FeatureImportance importance={model.feature_importance} />
          <p className="mt-3 text-xs text-muted">
            How much the score drops when a column&apos;s values are shuffled: the longer the bar, the more the model relies on it.
          </p>
        </Card>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Input columns">
          <InputSchemaTable schema={model.card?.input_schema ?? []} dropped={card.dropped.filter((column) => column.name !== model.target)} />
        </Card>
        <Card title="Notes from training">
          {card.notes.length > 0 ? <Notes notes={card.notes} /> : <p className="text-sm text-muted">Training left no notes.</p>}
        </Card>
      </div>
    </div>
  );
}
