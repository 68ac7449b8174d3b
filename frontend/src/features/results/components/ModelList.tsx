import { Link } from "react-router";
import type { Model } from "../../../api/types";
import { formatNumber } from "../../../lib/format";
import { formatAgo } from "../../../lib/time";

export function ModelList({ models }: { models: Model[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted uppercase">
          <tr>
            <th className="py-2 pr-4 font-medium">Model</th>
            <th className="py-2 pr-4 font-medium">Predicts</th>
            <th className="py-2 pr-4 text-right font-medium">CV score</th>
            <th className="py-2 font-medium">Trained</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {models.map((model) => (
            <tr key={model.id} className="hover:bg-raised/50">
              <td className="py-2 pr-4">
                <Link to={`/models/${model.id}`} className="font-medium text-accent hover:underline">
                  {model.algorithm}
                </Link>
                <span className="block text-xs text-muted">{model.id.slice(0, 8)}</span>
              </td>
              <td className="py-2 pr-4">
                {model.target} <span className="text-xs text-muted">({model.problem_type})</span>
              </td>
              <td className="py-2 pr-4 text-right tabular-nums">
                {formatNumber(model.cv_score)} <span className="text-xs text-muted">{model.metric}</span>
              </td>
              <td className="py-2 text-muted">{formatAgo(model.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
