import { FlaskConical, Lightbulb } from "lucide-react";
import { Link } from "react-router";
import type { Dataset, ProblemType } from "../../../api/types";
import { primaryLinkClass } from "../../../components/Button";
import { PROBLEM_TYPE_TEXT } from "../../training/problemType";
import { trainLink } from "../links";

function isProblemType(value: string | null): value is ProblemType {
  return value === "binary" || value === "multiclass" || value === "regression";
}

/** FlowML's guess of the column to predict, with a one-click way to train on it. */
export function SuggestedTarget({ dataset }: { dataset: Dataset }) {
  const target = dataset.suggested_target;
  const problem = isProblemType(dataset.suggested_problem_type) ? PROBLEM_TYPE_TEXT[dataset.suggested_problem_type] : null;
  if (!target) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-line bg-raised/50 px-4 py-3 text-sm">
        <p className="text-muted">FlowML found no column it would suggest predicting. You can still pick one yourself.</p>
        <Link to={trainLink(dataset.id)} className={primaryLinkClass}>
          <FlaskConical className="size-4" aria-hidden /> Train a model
        </Link>
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-accent/40 bg-accent/5 px-4 py-3 text-sm">
      <p className="flex min-w-0 items-start gap-2">
        <Lightbulb className="mt-0.5 size-4 shrink-0 text-accent" aria-hidden />
        <span>
          Suggested column to predict: <strong className="font-semibold">{target}</strong>
          {problem && (
            <span className="block text-xs text-muted">
              {problem.label}: {problem.explain}
            </span>
          )}
        </span>
      </p>
      <Link to={trainLink(dataset.id, target)} className={primaryLinkClass}>
        <FlaskConical className="size-4" aria-hidden /> Train on this
      </Link>
    </div>
  );
}
