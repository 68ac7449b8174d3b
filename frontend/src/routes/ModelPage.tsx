import { ChartNoAxesColumn, FileSpreadsheet, FileText, Shapes, Sparkles, Trophy } from "lucide-react";
import { useParams, useSearchParams } from "react-router";
import type { Model } from "../api/types";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../components/ui/tabs";
import { BatchPanel } from "../features/predict/components/BatchPanel";
import { PredictPanel } from "../features/predict/components/PredictPanel";
import { ModelNotes, ModelTitle } from "../features/history/components/ItemHistory";
import { useModel } from "../api/hooks/models";
import { DownloadButtons } from "../features/results/components/DownloadButtons";
import { EvaluationPanel } from "../features/results/components/EvaluationPanel";
import { LeaderboardPanel } from "../features/results/components/LeaderboardPanel";
import { ModelOverview } from "../features/results/components/ModelOverview";
import { ClustersPanel } from "../features/results/components/clusters/ClustersPanel";
import { isClustering } from "../lib/problemType";

const TABS = ["overview", "evaluation", "clusters", "leaderboard", "predict"] as const;
type Tab = (typeof TABS)[number];

/** The tabs a model has: a clustering model has clusters where a supervised one has its evaluation (and threshold). */
function tabsFor(model: Model): readonly Tab[] {
  return TABS.filter((tab) => (isClustering(model.problem_type) ? tab !== "evaluation" : tab !== "clusters"));
}

function isTab(value: string | null, tabs: readonly Tab[]): value is Tab {
  return tabs.includes(value as Tab);
}

const PREDICT_MODES = ["row", "file"] as const;
type PredictMode = (typeof PREDICT_MODES)[number];

/** One row typed in, or a whole file scored: two sections of their own, the choice kept in the URL (?mode=file).
 *  Both stay mounted, so a file being scored keeps going while the user tries a row. */
function PredictTab({ model }: { model: Model }) {
  const [params, setParams] = useSearchParams();
  const mode: PredictMode = params.get("mode") === "file" ? "file" : "row";
  const choose = (value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set("mode", value);
        return next;
      },
      { replace: true },
    );
  return (
    <Tabs value={mode} onValueChange={choose}>
      <TabsList aria-label="Ways to predict">
        <TabsTrigger value="row">
          <Sparkles aria-hidden /> One row
        </TabsTrigger>
        <TabsTrigger value="file">
          <FileSpreadsheet aria-hidden /> Score a file
        </TabsTrigger>
      </TabsList>
      <TabsContent value="row" forceMount className="data-[state=inactive]:hidden">
        <PredictPanel model={model} />
      </TabsContent>
      <TabsContent value="file" forceMount className="data-[state=inactive]:hidden">
        <BatchPanel modelId={model.id} clustering={isClustering(model.problem_type)} />
      </TabsContent>
    </Tabs>
  );
}

function ModelDetail({ model }: { model: Model }) {
  // The tab lives in the URL (?tab=predict) so it survives a reload and can be linked to.
  const [params, setParams] = useSearchParams();
  const requested = params.get("tab");
  const tabs = tabsFor(model);
  const tab: Tab = isTab(requested, tabs) ? requested : "overview";
  return (
    <Tabs value={tab} onValueChange={(value) => setParams({ tab: value }, { replace: true })}>
      <TabsList aria-label="Model sections">
        <TabsTrigger value="overview">
          <FileText aria-hidden /> Overview
        </TabsTrigger>
        {tabs.includes("evaluation") && (
          <TabsTrigger value="evaluation">
            <ChartNoAxesColumn aria-hidden /> Evaluation
          </TabsTrigger>
        )}
        {tabs.includes("clusters") && (
          <TabsTrigger value="clusters">
            <Shapes aria-hidden /> Clusters
          </TabsTrigger>
        )}
        <TabsTrigger value="leaderboard">
          <Trophy aria-hidden /> Leaderboard
        </TabsTrigger>
        <TabsTrigger value="predict">
          <Sparkles aria-hidden /> Predict
        </TabsTrigger>
      </TabsList>
      <TabsContent value="overview">
        <ModelOverview model={model} />
      </TabsContent>
      {tabs.includes("evaluation") && (
        <TabsContent value="evaluation">
          <EvaluationPanel model={model} />
        </TabsContent>
      )}
      {tabs.includes("clusters") && (
        <TabsContent value="clusters">
          <ClustersPanel model={model} />
        </TabsContent>
      )}
      <TabsContent value="leaderboard">
        <LeaderboardPanel model={model} />
      </TabsContent>
      <TabsContent value="predict" className="mt-4">
        <PredictTab model={model} />
      </TabsContent>
    </Tabs>
  );
}

export function ModelPage() {
  const { id = "" } = useParams();
  const model = useModel(id);
  return (
    <>
      <PageHeader
        title={model.data ? <ModelTitle model={model.data} /> : "Model"}
        subtitle="How the model was built, how well it does, and predictions"
        actions={model.data && <DownloadButtons model={model.data} />}
      />
      <QueryView query={model} loadingLabel="Loading model…">
        {(data) => (
          <div className="space-y-6">
            <ModelDetail model={data} />
            <ModelNotes model={data} />
          </div>
        )}
      </QueryView>
    </>
  );
}
