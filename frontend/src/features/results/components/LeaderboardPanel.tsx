import type { Model } from "../../../api/types";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { formatNumber } from "../../../lib/format";
import { QueryView } from "../../../components/QueryView";
import { useJobTrials, useLeaderboard } from "../../../api/hooks/jobs";
import { readCard } from "../card";
import { isClustering } from "../../../lib/problemType";
import { useLabels } from "../../../api/hooks/catalogue";
import { AlgorithmChart } from "./AlgorithmChart";
import { KeepModelButton } from "./KeepModelButton";
import { TrialsTable } from "./TrialsTable";

/** Every trial of the training job, sortable, and the best score each algorithm reached. */
export function LeaderboardPanel({ model }: { model: Model }) {
  const board = useLeaderboard(model.job_id);
  const trials = useJobTrials(model.job_id);
  const card = readCard(model);
  const labels = useLabels();
  return (
    <QueryView query={board} loadingLabel="Loading the leaderboard…">
      {(leaderboard) => (
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>Best score per algorithm</CardTitle>
            </CardHeader>
            <CardContent>
              <AlgorithmChart trials={leaderboard.items} metric={leaderboard.metric} greaterIsBetter={leaderboard.greater_is_better} />
            </CardContent>
          </Card>
          {card.members.length > 0 && (
            <p className="text-sm text-muted">
              The delivered model blends {card.members.length} of these trials (
              {[...new Set(card.members.map((m) => labels.algorithm(m.algorithm)))].join(", ")}) into an ensemble that scored{" "}
              {formatNumber(leaderboard.delivered?.score ?? model.cv_score)} {labels.metric(model.metric)}.
            </p>
          )}
          <Card>
            <CardHeader>
              <CardTitle>Leaderboard</CardTitle>
            </CardHeader>
            <CardContent>
              <QueryView query={trials} loadingLabel="Loading trials…">
                {(page) => (
                  <TrialsTable
                    trials={page.items}
                    metric={leaderboard.metric}
                    greaterIsBetter={leaderboard.greater_is_better}
                    delivered={leaderboard.delivered}
                    validationLabel={model.validation_label}
                    clustering={isClustering(model.problem_type)}
                    renderActions={(trial) => <KeepModelButton jobId={model.job_id} trial={trial} jobModelId={model.trial_number === null ? model.id : undefined} />}
                  />
                )}
              </QueryView>
            </CardContent>
          </Card>
        </div>
      )}
    </QueryView>
  );
}
