import { Boxes, Trophy } from "lucide-react";
import { Link } from "react-router";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";
import { useModels } from "../../../api/hooks/models";
import { useLabels } from "../../../api/hooks/catalogue";
import { useMetrics } from "../../../api/hooks/catalogue";
import { bestModelsByTask, type ModelGroup } from "../summary";
import { ListSkeleton } from "./Skeleton";

const TASK_LABEL: Record<string, string> = {
  binary: "Yes/no predictions",
  multiclass: "Category predictions",
  regression: "Number predictions",
};

function Group({ group }: { group: ModelGroup }) {
  const labels = useLabels();
  return (
    <div>
      <h3 className="mb-1 text-xs font-medium text-muted">
        {TASK_LABEL[group.task] ?? group.task} · {labels.metric(group.metric)} ({group.greaterIsBetter ? "higher" : "lower"} is
        better)
      </h3>
      <ul className="divide-y divide-line">
        {group.models.map((model, index) => (
          <li key={model.id} className="flex items-center gap-3 py-2 text-sm">
            {index === 0 ? (
              <Trophy className="size-4 shrink-0 text-warn" aria-label="Best" />
            ) : (
              <span className="w-4 shrink-0 text-center text-xs text-muted">{index + 1}</span>
            )}
            <div className="min-w-0 flex-1">
              <Link to={`/models/${model.id}`} className="block truncate font-medium text-accent hover:underline">
                {model.display_name}
              </Link>
              <span className="text-xs text-muted">trained {formatAgo(model.created_at)}</span>
            </div>
            <span className="font-semibold tabular-nums">{formatNumber(model.cv_score)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The best models of each task, by cross-validated score. */
export function BestModels() {
  const models = useModels();
  const metrics = useMetrics(undefined);
  let body;
  if (models.isError && !models.data) body = <ErrorBanner message={models.error.message} />;
  else if (!models.data || metrics.isPending) body = <ListSkeleton label="Loading models" rows={3} />;
  else {
    const groups = bestModelsByTask(models.data.items, metrics.data ?? []);
    body =
      groups.length === 0 ? (
        <EmptyState title="No models yet" icon={<Boxes className="size-8" aria-hidden />}>
          Every finished training job saves its best model here.{" "}
          <Link to="/train" className="text-accent hover:underline">
            Train one
          </Link>{" "}
          once you have uploaded a dataset.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          {groups.map((group) => (
            <Group key={`${group.task}-${group.metric}`} group={group} />
          ))}
        </div>
      );
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle>Best models</CardTitle>
        <CardAction>
          <Link to="/models" className="text-sm text-accent hover:underline">
            All models
          </Link>
        </CardAction>
      </CardHeader>
      <CardContent>
        {body}
      </CardContent>
    </Card>
  );
}
