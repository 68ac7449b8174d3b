import { Eraser, Sparkles, Wand2 } from "lucide-react";
import { type FormEvent, useId, useMemo, useState } from "react";
import type { Model } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { Field } from "../../../components/Field";
import { EmptyState, ErrorBanner, Notice } from "../../../components/States";
import { useDatasetPreview } from "../../../api/hooks/datasets";
import { usePredict } from "../api";
import { buildRow, emptyValues, fieldHint, fieldsFromSchema, type FormValues, valuesFromRow } from "../schema";
import { InputControl } from "./InputControl";
import { PredictionResult } from "./PredictionResult";
import { ClusterPrediction } from "./ClusterPrediction";
import { clusterNames } from "../clusterAnswer";
import { isClustering } from "../../../lib/problemType";
import { Waterfall } from "./Waterfall";

const EXAMPLE_ROWS = 5;

function changedSince(before: FormValues, now: FormValues): boolean {
  const names = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...names].some((name) => (before[name] ?? "") !== (now[name] ?? ""));
}

/** One row typed in by hand: a form generated from the model card's input schema. */
export function PredictPanel({ model }: { model: Model }) {
  const idPrefix = useId();
  const fields = useMemo(() => fieldsFromSchema(model.card?.input_schema), [model]);
  const [values, setValues] = useState<FormValues>(() => emptyValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The inputs the shown answer was made from: an edit after it marks the answer as out of date.
  const [predictedFrom, setPredictedFrom] = useState<FormValues | null>(null);
  const clustering = isClustering(model.problem_type);
  // A cluster has no contributions to explain it: only supervised answers ask for the "why".
  const predict = usePredict(model.id, !clustering);
  const names = useMemo(() => clusterNames(model.card?.clustering?.clusters), [model]);
  const examples = useDatasetPreview(model.dataset_id, EXAMPLE_ROWS);
  const example = examples.data?.rows[0];
  const inputId = (name: string) => `${idPrefix}-${name}`;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const built = buildRow(fields, values);
    setErrors(built.errors);
    const invalid = Object.keys(built.errors);
    if (invalid.length === 0) {
      setPredictedFrom(values);
      predict.mutate(built.row);
    } else {
      // An answer for other inputs must not stay beside a form that no longer predicts: clear it.
      predict.reset();
      setPredictedFrom(null);
      document.getElementById(inputId(invalid[0] as string))?.focus();
    }
  };
  const edit = (name: string, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors(({ [name]: _fixed, ...rest }) => rest);
  };

  if (fields.length === 0) {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Try the model</CardTitle>
        </CardHeader>
        <CardContent>
          <EmptyState title="This model card lists no inputs">The model cannot be tried from this page.</EmptyState>
        </CardContent>
      </Card>
    );
  }

  const errorCount = Object.keys(errors).length;
  const explanation = predict.data?.explanations?.[0];
  return (
    // lg:items-start lets the answer's card stick beside the form: it stays in view next to the Predict button.
    <div className="grid gap-6 lg:grid-cols-5 lg:items-start">
      <Card className="lg:col-span-3">
        <CardHeader>
          <CardTitle>Try the model</CardTitle>
          <CardAction>
            <div className="flex gap-1">
              {example && (
                <Button variant="ghost" onClick={() => setValues(valuesFromRow(fields, example))}>
                  <Wand2 className="size-4" aria-hidden />
                  Fill with an example
                </Button>
              )}
              <Button
                variant="ghost"
                onClick={() => {
                  setValues(emptyValues(fields));
                  setErrors({});
                }}
              >
                <Eraser className="size-4" aria-hidden />
                Clear
              </Button>
            </div>
          </CardAction>
        </CardHeader>
        <CardContent>
          <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Model inputs">
            <div className="grid gap-4 sm:grid-cols-2">
              {fields.map((field) => (
                <Field key={field.name} label={field.name} htmlFor={inputId(field.name)} error={errors[field.name]} hint={fieldHint(field)}>
                  <InputControl
                    field={field}
                    id={inputId(field.name)}
                    value={values[field.name] ?? ""}
                    invalid={Boolean(errors[field.name])}
                    onChange={(value) => edit(field.name, value)}
                  />
                </Field>
              ))}
            </div>
            {errorCount > 0 && (
              <ErrorBanner message={`${errorCount === 1 ? "One field needs" : `${errorCount} fields need`} fixing before the model can predict.`} />
            )}
            <p className="text-xs text-muted">Leave a field blank to treat it as missing; the model fills it in as it did in training.</p>
            <Button type="submit" disabled={predict.isPending}>
              <Sparkles className="size-4" aria-hidden />
              {predict.isPending ? "Predicting…" : "Predict"}
            </Button>
          </form>
        </CardContent>
      </Card>
      <Card className="lg:sticky lg:top-4 lg:col-span-2 lg:max-h-[calc(100vh-2rem)] lg:overflow-y-auto">
        <CardHeader>
          <CardTitle>Prediction</CardTitle>
        </CardHeader>
        <CardContent>
          {predict.isError && <ErrorBanner message={predict.error.message} />}
          {predict.data && predictedFrom && changedSince(predictedFrom, values) && (
            <Notice>The inputs changed since this prediction: press Predict again to update it.</Notice>
          )}
          {predict.data &&
            (clustering ? (
              <ClusterPrediction result={predict.data} names={names} />
            ) : (
              <PredictionResult result={predict.data} target={model.target ?? ""} />
            ))}
          {explanation && (
            <div className="mt-4 space-y-2 border-t border-line pt-4">
              <h3 className="text-sm font-semibold">Why: what pushed this prediction up or down</h3>
              <Waterfall explanation={explanation} target={model.target ?? ""} />
            </div>
          )}
          {!predict.data && !predict.isError && (
            <EmptyState title="No prediction yet" icon={<Sparkles className="size-8" aria-hidden />}>
              Fill in the inputs and press Predict.
            </EmptyState>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
