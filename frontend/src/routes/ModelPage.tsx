import { ChartNoAxesColumn, FileText, Sparkles, Trophy } from "lucide-react";
import { useParams, useSearchParams } from "react-router";
import type { Model } from "../api/types";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "../components/ui/tabs";
import { BatchPanel } from "../features/predict/components/BatchPanel";
import { PredictPanel } from "../features/predict/components/PredictPanel";
import { useModel } from "../features/results/api";
import { DownloadButtons } from "../features/results/components/DownloadButtons";
import { EvaluationPanel } from "../features/results/components/EvaluationPanel";
import { LeaderboardPanel } from "../features/results/components/LeaderboardPanel";
import { ModelOverview } from "../features/results/components/ModelOverview";

const TABS = ["overview", "evaluation", "leaderboard", "predict"] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return TABS.includes(value as Tab);
}

function ModelDetail({ model }: { model: Model }) {
  // The tab lives in the URL (?tab=predict) so it survives a reload and can be linked to.
  const [params, setParams] = useSearchParams();
  const requested = params.get("tab");
  const tab: Tab = isTab(requested) ? requested : "overview";
  return (
    <Tabs value={tab} onValueChange={(value) => setParams({ tab: value }, { replace: true })}>
      <TabsList aria-label="Model sections">
        <TabsTrigger value="overview">
          <FileText aria-hidden /> Overview
        </TabsTrigger>
        <TabsTrigger value="evaluation">
          <ChartNoAxesColumn aria-hidden /> Evaluation
        </TabsTrigger>
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
      <TabsContent value="evaluation">
        <EvaluationPanel model={model} />
      </TabsContent>
      <TabsContent value="leaderboard">
        <LeaderboardPanel model={model} />
      </TabsContent>
      <TabsContent value="predict" className="mt-4 space-y-6">
        <PredictPanel model={model} />
        <BatchPanel modelId={model.id} />
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
        title={model.data ? `${model.data.algorithm} → ${model.data.target}` : "Model"}
        subtitle="How the model was built, how well it does, and predictions"
        actions={model.data && <DownloadButtons model={model.data} />}
      />
      <QueryView query={model} loadingLabel="Loading model…">
        {(data) => <ModelDetail model={data} />}
      </QueryView>
    </>
  );
}
