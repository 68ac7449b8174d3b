import type { Prediction } from "../../../api/types";
import { clusterAnswer } from "../clusterAnswer";
import { AnswerFooter, Probabilities } from "./PredictionResult";

interface ClusterPredictionProps {
  result: Prediction;
  /** Cluster id to name, from the model card (for the membership probabilities, keyed by id). */
  names: ReadonlyMap<number, string>;
}

/** A clustering model's answer: the row's cluster by name and id, and its membership probabilities (mixtures). */
export function ClusterPrediction({ result, names }: ClusterPredictionProps) {
  const answer = clusterAnswer(result, names);
  return (
    <div className="space-y-4" aria-live="polite">
      <div>
        <p className="text-xs text-muted">Cluster</p>
        <p className="text-3xl font-semibold break-words text-accent" data-testid="cluster-name">
          {answer.name}
        </p>
        {answer.id !== null && <p className="text-sm text-muted">Cluster {answer.id}</p>}
      </div>
      {answer.probabilities && (
        <div className="space-y-2">
          <h3 className="text-xs font-medium text-muted">How strongly the row belongs to each cluster</h3>
          <Probabilities probabilities={answer.probabilities} label="Cluster membership" />
        </div>
      )}
      <AnswerFooter result={result} />
    </div>
  );
}
