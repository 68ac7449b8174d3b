import { Sparkles, Wand2 } from "lucide-react";
import { type FormEvent, useId, useMemo, useState } from "react";
import type { Model } from "../../../api/types";
import { Button } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { Field } from "../../../components/Field";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { useDatasetPreview } from "../../datasets/api";
import { usePredict } from "../api";
import { buildRow, emptyValues, fieldsFromSchema, type FormValues, valuesFromRow } from "../schema";
import { InputControl } from "./InputControl";
import { PredictionResult } from "./PredictionResult";

const EXAMPLE_ROWS = 5;

export function PredictPanel({ model }: { model: Model }) {
  const idPrefix = useId();
  const fields = useMemo(() => fieldsFromSchema(model.card?.input_schema), [model]);
  const [values, setValues] = useState<FormValues>(() => emptyValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const predict = usePredict(model.id);
  const examples = useDatasetPreview(model.dataset_id, EXAMPLE_ROWS);
  const example = examples.data?.rows[0];

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildRow(fields, values);
    setErrors(built.errors);
    if (Object.keys(built.errors).length === 0) predict.mutate(built.row);
  };

  if (fields.length === 0) {
    return (
      <Card title="Predict">
        <EmptyState title="This model card lists no inputs">The model cannot be tried from this page.</EmptyState>
      </Card>
    );
  }

  return (
    <div className="grid gap-6 lg:grid-cols-5">
      <Card
        title="Try the model"
        className="lg:col-span-3"
        actions={
          example && (
            <Button variant="ghost" icon={<Wand2 className="size-4" aria-hidden />} onClick={() => setValues(valuesFromRow(fields, example))}>
              Fill with an example
            </Button>
          )
        }
      >
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            {fields.map((field) => (
              <Field key={field.name} label={field.name} htmlFor={`${idPrefix}-${field.name}`} error={errors[field.name]} hint={field.kind}>
                <InputControl
                  field={field}
                  id={`${idPrefix}-${field.name}`}
                  value={values[field.name] ?? ""}
                  onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
                />
              </Field>
            ))}
          </div>
          <p className="text-xs text-muted">Leave a field blank to treat it as missing.</p>
          <Button type="submit" icon={<Sparkles className="size-4" aria-hidden />} disabled={predict.isPending}>
            {predict.isPending ? "Predicting…" : "Predict"}
          </Button>
        </form>
      </Card>
      <Card title="Prediction" className="lg:col-span-2">
        {predict.isError && <ErrorBanner message={predict.error.message} />}
        {predict.data && <PredictionResult result={predict.data} target={model.target} />}
        {!predict.data && !predict.isError && (
          <EmptyState title="No prediction yet" icon={<Sparkles className="size-8" aria-hidden />}>
            Fill in the inputs and press Predict.
          </EmptyState>
        )}
      </Card>
    </div>
  );
}
