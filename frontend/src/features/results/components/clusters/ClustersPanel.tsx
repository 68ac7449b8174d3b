import { Info } from "lucide-react";
import type { ReactNode } from "react";
import type { Model } from "../../../../api/types";
import { useMetrics } from "../../../../api/hooks/catalogue";
import { Card, CardContent, CardHeader, CardTitle } from "../../../../components/ui/card";
import { ErrorBanner } from "../../../../components/States";
import { ScrollRegion } from "../../../../components/ScrollRegion";
import { Skeleton } from "../../../../components/ui/skeleton";
import { useClusterReport } from "../../api";
import { clusterNamer } from "../../clusters";
import { ClusteringFacts } from "./ClusteringFacts";
import { ClusterProfiles } from "./ClusterProfiles";
import { ClusterScatter } from "./ClusterScatter";
import { ElbowChart } from "./ElbowChart";
import { SilhouettePlot } from "./SilhouettePlot";

function Section({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <Card className={className}>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

/** A clustering model's groups: what each is, where its rows lie, how well they separate, and why this many. */
export function ClustersPanel({ model }: { model: Model }) {
  const query = useClusterReport(model.id);
  const metrics = useMetrics(undefined);
  if (query.isPending) {
    return (
      <div role="status" aria-label="Loading the clusters" className="space-y-6">
        <Skeleton className="h-28" />
        <div className="grid gap-6 xl:grid-cols-2">
          <Skeleton className="h-80" />
          <Skeleton className="h-80" />
        </div>
      </div>
    );
  }
  if (query.isError) return <ErrorBanner message={query.error.message} />;
  const report = query.data;
  const name = clusterNamer(report.profiles);
  const sizes = new Map(report.profiles.map((profile) => [profile.id, profile.size]));
  const greaterIsBetter = metrics.data?.find((metric) => metric.name === report.metric)?.greater_is_better;
  return (
    <div className="space-y-6">
      <Section title="What the clustering found">
        <ClusteringFacts model={model} report={report} entry={model.card?.clustering ?? null} />
      </Section>
      {/* The names beside the map: what each colour is, and where its rows lie, in one view. */}
      <div className="grid gap-6 xl:grid-cols-5">
        <Section title="The clusters" className="xl:col-span-2">
          <ScrollRegion label="Cluster profiles" className="max-h-[24rem] overflow-y-auto pr-1">
            <ClusterProfiles profiles={report.profiles} />
          </ScrollRegion>
        </Section>
        <Section title="Map of the rows" className="xl:col-span-3">
          <ClusterScatter projection={report.projection} name={name} />
        </Section>
      </div>
      <div className="grid gap-6 xl:grid-cols-2">
        <Section title="Silhouette per cluster">
          <SilhouettePlot clusters={report.silhouette ?? []} name={name} sizes={sizes} />
        </Section>
        <Section title="Score by number of clusters">
          <ElbowChart elbow={report.elbow ?? []} metric={report.metric} greaterIsBetter={greaterIsBetter} chosen={report.n_clusters} />
        </Section>
      </div>
      {(report.notes ?? []).length > 0 && (
        <ul className="space-y-1.5 text-sm">
          {(report.notes ?? []).map((note) => (
            <li key={note} className="flex items-start gap-2">
              <Info className="mt-0.5 size-4 shrink-0 text-muted" aria-hidden />
              <span>{note}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
