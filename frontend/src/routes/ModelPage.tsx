import { useParams } from "react-router";
import type { Model } from "../api/types";
import { Card } from "../components/Card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { useLeaderboard } from "../features/jobs/api";
import { LeaderboardTable } from "../features/jobs/components/LeaderboardTable";
import { PredictPanel } from "../features/predict/components/PredictPanel";
import { FeatureImportance } from "../features/results/components/FeatureImportance";
import { ModelSummary } from "../features/results/components/ModelSummary";
import { useModel } from "../features/results/api";

function ModelDetail({ model }: { model: Model }) {
  const board = useLeaderboard(model.job_id);
  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Summary">
          <ModelSummary model={model} />
        </Card>
        <Card title="What drives the prediction">
          <FeatureImportance importance={model.feature_importance} />
        </Card>
      </div>
      <PredictPanel model={model} />
      <Card title="Leaderboard of its training job">
        <QueryView query={board}>{(data) => <LeaderboardTable board={data} />}</QueryView>
      </Card>
    </div>
  );
}

export function ModelPage() {
  const { id = "" } = useParams();
  const model = useModel(id);
  return (
    <>
      <PageHeader
        title={model.data ? `${model.data.algorithm} → ${model.data.target}` : "Model"}
        subtitle="Results and predictions"
      />
      <QueryView query={model} loadingLabel="Loading model…">
        {(data) => <ModelDetail model={data} />}
      </QueryView>
    </>
  );
}
