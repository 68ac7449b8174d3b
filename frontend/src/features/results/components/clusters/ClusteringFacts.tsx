import type { ReactNode } from "react";
import type { ClusterReport, ClusteringEntry, Model } from "../../../../api/types";
import { useLabels } from "../../../../api/hooks/catalogue";
import { formatNumber } from "../../../../lib/format";
import { sharePercent, VALIDITY_SCORES } from "../../../../lib/clusterTrials";
import { ASSIGNER_TEXT, agreementScores, stabilityText } from "../../clusters";

/** One fact: a label, the value, and a muted line saying what it means. */
function Item({ label, children, detail }: { label: string; children: ReactNode; detail?: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-medium break-words">{children}</dd>
      {detail && <dd className="text-xs text-muted">{detail}</dd>}
    </div>
  );
}

interface ClusteringFactsProps {
  model: Model;
  report: ClusterReport;
  /** The card's clustering part; null on a card written before it had one. */
  entry: ClusteringEntry | null;
}

/** The headline facts: how many clusters, how good and how stable, how they match a known grouping, how new rows
 *  are placed. */
export function ClusteringFacts({ model, report, entry }: ClusteringFactsProps) {
  const labels = useLabels();
  const scores = VALIDITY_SCORES.filter((name) => name !== model.metric && typeof entry?.scores?.[name] === "number");
  const agreement = agreementScores(entry?.reference_agreement);
  const stability = stabilityText(entry?.stability, entry?.stability_resamples);
  const assigner = entry ? (ASSIGNER_TEXT[entry.assigner] ?? { short: entry.assigner, detail: "" }) : null;
  return (
    <dl className="grid grid-cols-2 gap-4 text-sm md:grid-cols-3 xl:grid-cols-6">
      <Item label="Clusters found" detail={report.noise_fraction > 0 ? `${sharePercent(report.noise_fraction)} of the rows left out as noise` : "every row is in a cluster"}>
        <span className="text-lg text-accent tabular-nums">{report.n_clusters}</span>
      </Item>
      <Item
        label={`Score (${labels.metric(model.metric)})`}
        detail={scores.map((name) => `${labels.metric(name)} ${formatNumber(entry?.scores?.[name], 3)}`).join(" · ") || undefined}
      >
        <span className="text-lg tabular-nums">{formatNumber(model.cv_score)}</span>
      </Item>
      <Item label="Stability" detail={stability.detail}>
        {stability.headline}
      </Item>
      {entry?.reference_column && (
        <Item label={`Agreement with "${entry.reference_column}"`} detail="1: the same grouping; 0: no better than chance">
          {agreement.length > 0 ? (
            <ul>
              {agreement.map((score) => (
                <li key={score.label}>
                  {score.label}: <span className="tabular-nums">{formatNumber(score.value, 3)}</span>
                </li>
              ))}
            </ul>
          ) : (
            "Not measured"
          )}
        </Item>
      )}
      <Item label="New rows are placed by" detail={[assigner?.detail, entry?.probabilistic ? "with membership probabilities" : ""].filter(Boolean).join("; ")}>
        {assigner?.short ?? "—"}
      </Item>
      <Item label="Reduction before clustering" detail={entry?.reduction ? undefined : "the clusters use every encoded column"}>
        {entry?.reduction ?? "None"}
      </Item>
    </dl>
  );
}
