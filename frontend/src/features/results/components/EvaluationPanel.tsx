import { ChartNoAxesColumn } from "lucide-react";
import type { Model } from "../../../api/types";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { Skeleton } from "../../../components/ui/skeleton";
import { formatNumber } from "../../../lib/format";
import { useEvaluation } from "../api";
import type { Evaluation, RegressionEvaluation } from "../evaluation";
import { ConfusionMatrix } from "./ConfusionMatrix";
import { PredictedVsActual } from "./PredictedVsActual";
import { ResidualsHistogram } from "./ResidualsHistogram";
import { RocChart } from "./RocChart";
import { ThresholdPanel } from "./ThresholdPanel";

function RegressionStats({ regression }: { regression: RegressionEvaluation }) {
  const stats = [
    { label: "RMSE", value: regression.rmse, hint: "typical size of an error, in the target's units" },
    { label: "MAE", value: regression.mae, hint: "average absolute error" },
    { label: "R²", value: regression.r2, hint: "share of the variation explained (1 is perfect)" },
  ];
  return (
    <dl className="grid grid-cols-3 gap-4 text-sm">
      {stats.map((stat) => (
        <div key={stat.label} title={stat.hint}>
          <dt className="text-xs text-muted">{stat.label}</dt>
          <dd className="text-lg font-semibold tabular-nums">{formatNumber(stat.value)}</dd>
          <dd className="text-xs text-muted">{stat.hint}</dd>
        </div>
      ))}
    </dl>
  );
}

function EvaluationCharts({ evaluation, model }: { evaluation: Evaluation; model: Model }) {
  const target = model.target ?? "";
  if (evaluation.classification) {
    const { labels, confusion_matrix, roc, thresholds } = evaluation.classification;
    if (thresholds) {
      // A yes/no model: the threshold panel's matrix follows the slider, so it replaces the fixed one.
      return (
        <div className="space-y-6">
          <ThresholdPanel model={model} table={thresholds} />
          <Card>
            <CardHeader>
              <CardTitle>ROC curve</CardTitle>
            </CardHeader>
            <CardContent>
              <RocChart curves={roc} />
            </CardContent>
          </Card>
        </div>
      );
    }
    return (
      <div className="space-y-6">
        {model.problem_type === "binary" && (
          <p className="rounded-md border border-line bg-raised px-3 py-2 text-sm" data-testid="threshold-unavailable">
            Train again to tune the threshold: this model was trained before FlowML recorded what each decision threshold
            would do, so its predictions use the more likely class.
          </p>
        )}
        <div className="grid gap-6 xl:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Confusion matrix</CardTitle>
            </CardHeader>
            <CardContent>
              <ConfusionMatrix labels={labels} matrix={confusion_matrix} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>ROC curve</CardTitle>
            </CardHeader>
            <CardContent>
              <RocChart curves={roc} />
            </CardContent>
          </Card>
        </div>
      </div>
    );
  }
  if (evaluation.regression) {
    return (
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Error summary</CardTitle>
          </CardHeader>
          <CardContent>
            <RegressionStats regression={evaluation.regression} />
          </CardContent>
        </Card>
        <div className="grid gap-6 xl:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Predicted vs actual</CardTitle>
            </CardHeader>
            <CardContent>
              <PredictedVsActual points={evaluation.regression.points} target={target} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Residuals</CardTitle>
            </CardHeader>
            <CardContent>
              <ResidualsHistogram bins={evaluation.regression.residual_bins} />
            </CardContent>
          </Card>
        </div>
      </div>
    );
  }
  return <EmptyState title="The evaluation holds no charts for this kind of model" />;
}

/** How the model did on rows it did not train on; a model without an evaluation says why instead. */
export function EvaluationPanel({ model }: { model: Model }) {
  const query = useEvaluation(model.id);
  if (query.isPending) {
    return (
      <div role="status" aria-label="Loading the evaluation" className="grid gap-6 xl:grid-cols-2">
        <Skeleton className="h-80" />
        <Skeleton className="h-80" />
      </div>
    );
  }
  if (query.isError) return <ErrorBanner message={query.error.message} />;
  if (query.data.status === "missing") {
    return (
      <Card>
        <CardHeader>
          <CardTitle>Evaluation</CardTitle>
        </CardHeader>
        <CardContent>
          <EmptyState title="No evaluation for this model" icon={<ChartNoAxesColumn className="size-8" aria-hidden />}>
            {query.data.reason}
          </EmptyState>
        </CardContent>
      </Card>
    );
  }
  const { evaluation } = query.data;
  return (
    <div className="space-y-4">
      <p className="text-sm text-muted">
        Validation: <span className="font-medium text-fg" data-testid="validation-label">{model.validation_label}</span>. Measured on{" "}
        {evaluation.n_rows.toLocaleString()} rows. {evaluation.source}
      </p>
      <EvaluationCharts evaluation={evaluation} model={model} />
    </div>
  );
}
