import { FlaskConical, Lightbulb } from "lucide-react";
import { Link } from "react-router";
import type { Dataset, DatasetStats, TargetCandidate } from "../../../api/types";
import { buttonVariants } from "../../../components/ui/button";
import { PROBLEM_TYPE_TEXT } from "../../../lib/problemType";
import { trainLink } from "../../../lib/links";

/** Other candidates listed under the first: enough to show the alternatives without a wall of text. */
const MORE_CANDIDATES = 3;

const CONFIDENCE_TEXT: Record<TargetCandidate["confidence"], string> = {
  high: "FlowML is fairly sure",
  medium: "a likely guess; please check it",
  low: "only a guess; please check it",
};

/**
 * The server's ranking of the columns to predict (dataset stats' `target_candidates`): the first with its problem
 * type, why and how sure FlowML is, then the runners-up, with a one-click way to train on the first.
 */
export function SuggestedTarget({ dataset, stats }: { dataset: Dataset; stats: DatasetStats | undefined }) {
  if (!stats) {
    return <p className="rounded-md border border-line px-4 py-3 text-sm text-muted">Looking for the column to predict…</p>;
  }
  const [first, ...others] = stats.target_candidates ?? [];
  if (!first) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-line bg-raised/50 px-4 py-3 text-sm">
        <p className="text-muted">FlowML found no column it would suggest predicting. You can still pick one yourself.</p>
        <Link to={trainLink(dataset.id)} className={buttonVariants()}>
          <FlaskConical className="size-4" aria-hidden /> Train a model
        </Link>
      </div>
    );
  }
  const problem = PROBLEM_TYPE_TEXT[first.problem_type];
  const more = others.slice(0, MORE_CANDIDATES);
  return (
    <section
      aria-label="Suggested column to predict"
      className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-accent/40 bg-accent/5 px-4 py-3 text-sm"
    >
      <div className="flex min-w-0 items-start gap-2">
        <Lightbulb className="mt-0.5 size-4 shrink-0 text-accent" aria-hidden />
        <div className="min-w-0 space-y-1">
          <p>
            Suggested column to predict: <strong className="font-semibold">{first.name}</strong> ({problem.label.toLowerCase()},{" "}
            {CONFIDENCE_TEXT[first.confidence]})
          </p>
          <p className="text-xs text-muted" data-testid="suggested-target-reason">
            Why: {first.reason}.
          </p>
          {more.length > 0 && (
            <div className="text-xs text-muted">
              <p>Other candidates:</p>
              <ul className="list-inside list-disc">
                {more.map((candidate) => (
                  <li key={candidate.name}>
                    <span className="font-medium text-fg">{candidate.name}</span> ({PROBLEM_TYPE_TEXT[candidate.problem_type].label.toLowerCase()}):{" "}
                    {candidate.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>
      <Link to={trainLink(dataset.id, first.name)} className={buttonVariants()}>
        <FlaskConical className="size-4" aria-hidden /> Train on this
      </Link>
    </section>
  );
}
