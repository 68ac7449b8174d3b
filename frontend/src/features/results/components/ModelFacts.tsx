import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Job, Model } from "../../../api/types";
import { formatBytes, formatDuration, formatNumber } from "../../../lib/format";
import { formatDateTime } from "../../../lib/time";
import { jobTiming } from "../../../lib/jobTiming";
import { useLabels } from "../../../api/hooks/catalogue";
import type { CardView, OnnxStatus } from "../card";
import { describeThreshold, readSavedThreshold } from "../threshold";
import { isClustering } from "../../../lib/problemType";

const TASK_WORDS: Record<string, string> = {
  binary: "Yes/no classification (two classes)",
  multiclass: "Classification (several classes)",
  regression: "Regression (predicts a number)",
  clustering: "Clustering (finds groups of similar rows)",
};

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-medium break-words">{children}</dd>
    </div>
  );
}

function Algorithm({ model, card }: { model: Model; card: CardView }) {
  const labels = useLabels();
  if (card.members.length === 0) return <span title={model.algorithm}>{labels.algorithm(model.algorithm)}</span>;
  const total = card.members.reduce((sum, m) => sum + m.weight, 0) || 1;
  return (
    <>
      Ensemble of {card.members.length} models
      <ul className="mt-1 space-y-0.5 text-xs font-normal text-muted">
        {card.members.map((member, index) => (
          <li key={`${member.algorithm}-${index}`}>
            <span title={member.algorithm}>{labels.algorithm(member.algorithm)}</span> · weight{" "}
            {Math.round((member.weight / total) * 100)}%
          </li>
        ))}
      </ul>
    </>
  );
}

/** Whether predictions can use the ONNX graph, in plain words; the engine's reason only behind "Details". */
function FastServing({ onnx }: { onnx: OnnxStatus }) {
  if (onnx.available) return <>Available: predictions use the fast ONNX export</>;
  return (
    <>
      <span className="font-normal">Fast serving export is not available for this model; predictions use the standard engine.</span>
      {onnx.reason && (
        <details className="mt-1 text-xs font-normal text-muted">
          <summary className="cursor-pointer">Details</summary>
          <p className="mt-1">{onnx.reason}</p>
        </details>
      )}
    </>
  );
}

/** The model card's headline facts: what it predicts, how well, how it was checked and built. */
export function ModelFacts({ model, card, job }: { model: Model; card: CardView; job: Job | undefined }) {
  const labels = useLabels();
  const timing = job ? jobTiming(job, Date.now()) : null;
  return (
    <dl className="grid grid-cols-2 gap-4 text-sm md:grid-cols-3">
      <Item label="Task">{TASK_WORDS[model.problem_type] ?? model.problem_type}</Item>
      {isClustering(model.problem_type) ? (
        <Item label="Clusters found">{model.card?.clustering?.n_clusters ?? "—"}</Item>
      ) : (
        <Item label="Predicts (target column)">{model.target}</Item>
      )}
      <Item label={`Score (${labels.metric(model.metric)})`}>
        <span className="text-lg text-accent tabular-nums">{formatNumber(model.cv_score)}</span>
      </Item>
      <Item label="Validation">
        <span data-testid="validation-label">{model.validation_label}</span>
        <span className="block text-xs font-normal text-muted">
          {isClustering(model.problem_type)
            ? "clustering has no answers to hold out: the score measures how well the groups separate"
            : "the score is measured on rows held out from training"}
        </span>
      </Item>
      <Item label="Training time">{timing ? formatDuration(timing.elapsed) : "—"}</Item>
      <Item label="Algorithm">
        <Algorithm model={model} card={card} />
      </Item>
      {!isClustering(model.problem_type) && <Item label="Classes">{model.classes?.map(String).join(", ") || "—"}</Item>}
      {model.problem_type === "binary" && (
        <Item label="Decision threshold">{describeThreshold(readSavedThreshold(model))}</Item>
      )}
      <Item label="Training rows">{card.nRows === null ? "—" : card.nRows.toLocaleString()}</Item>
      <Item label="Trained">{formatDateTime(model.created_at)}</Item>
      <Item label="Package size">{formatBytes(model.size_bytes)}</Item>
      <Item label="Training job">
        <Link to={`/jobs/${model.job_id}`} className="text-accent hover:underline">
          {job?.name ?? "Open the job"}
        </Link>
      </Item>
      <Item label="Fast serving (ONNX)">
        <FastServing onnx={card.onnx} />
      </Item>
      <Item label="Model ID">
        <span className="font-mono text-xs font-normal text-muted">{model.id}</span>
      </Item>
    </dl>
  );
}
