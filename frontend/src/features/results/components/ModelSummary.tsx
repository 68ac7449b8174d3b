import { Download } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { resultsApi } from "../../../api/endpoints";
import type { Model } from "../../../api/types";
import { secondaryLinkClass } from "../../../components/Button";
import { formatBytes, formatNumber } from "../../../lib/format";
import { formatDateTime } from "../../../lib/time";

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-medium break-words">{children}</dd>
    </div>
  );
}

export function ModelSummary({ model }: { model: Model }) {
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-3">
        <Item label="Algorithm">{model.algorithm}</Item>
        <Item label={`Cross-validated ${model.metric}`}>
          <span className="text-lg text-accent tabular-nums">{formatNumber(model.cv_score)}</span>
        </Item>
        <Item label="Predicts">
          {model.target} <span className="text-muted">({model.problem_type})</span>
        </Item>
        <Item label="Classes">{model.classes?.map(String).join(", ") || "—"}</Item>
        <Item label="Trained">{formatDateTime(model.created_at)}</Item>
        <Item label="Size">{formatBytes(model.size_bytes)}</Item>
      </dl>
      <div className="flex flex-wrap gap-2">
        <a href={resultsApi.downloadUrl(model.id)} className={secondaryLinkClass} download>
          <Download className="size-4" aria-hidden /> Download model (.zip)
        </a>
        <Link to={`/jobs/${model.job_id}`} className={secondaryLinkClass}>
          Training job
        </Link>
      </div>
    </div>
  );
}
