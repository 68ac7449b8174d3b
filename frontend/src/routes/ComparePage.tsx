import { ArrowRightLeft } from "lucide-react";
import { Link, useSearchParams } from "react-router";
import { Card, CardContent, CardHeader, CardTitle } from "../components/ui/card";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState, Notice } from "../components/States";
import { useComparison } from "../features/compare/api";
import { type CompareTarget, parseCompareTarget } from "../features/compare/compare";
import { CompareImportances } from "../features/compare/components/CompareImportances";
import { CompareRegression } from "../features/compare/components/CompareRegression";
import { CompareRoc } from "../features/compare/components/CompareRoc";
import { CompareTable } from "../features/compare/components/CompareTable";

const SIDE_BY_SIDE = 3;

function Comparison({ target }: { target: CompareTarget }) {
  const comparison = useComparison(target);
  return (
    <QueryView query={comparison} loadingLabel="Gathering the models…">
      {(data) => {
        const missing = data.models.filter((m) => m.evaluation_missing);
        return (
          // A few models fit beside their curves and importances on a wide screen; more need the full width.
          <div className={`grid items-start gap-6 ${data.models.length <= SIDE_BY_SIDE ? "xl:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]" : ""}`}>
            <Card>
              <CardHeader>
                <CardTitle>{data.target ? `Scores and facts · predicting ${data.target}` : "Scores and facts"}</CardTitle>
              </CardHeader>
              <CardContent>
                <CompareTable comparison={data} />
              </CardContent>
            </Card>
            <div className="space-y-6">
              <Card>
                <CardHeader>
                  <CardTitle>{data.problem_type === "regression" ? "Predicted against actual (held out)" : "ROC curves (held out)"}</CardTitle>
                </CardHeader>
                <CardContent>
                  {missing.length > 0 && (
                    <Notice>
                      {missing.map((m) => (
                        <span key={m.id} className="block">
                          {m.display_name}: {m.evaluation_missing}
                        </span>
                      ))}
                    </Notice>
                  )}
                  {data.problem_type === "regression" ? <CompareRegression models={data.models} target={data.target ?? ""} /> : <CompareRoc models={data.models} />}
                </CardContent>
              </Card>
              <Card>
                <CardHeader>
                  <CardTitle>Feature importance</CardTitle>
                </CardHeader>
                <CardContent>
                  <CompareImportances models={data.models} />
                </CardContent>
              </Card>
            </div>
          </div>
        );
      }}
    </QueryView>
  );
}

/** /compare?models=a,b,c or /compare?jobs=x,y: models side by side, like "compare runs" in MLflow. */
export function ComparePage() {
  const [search] = useSearchParams();
  const target = parseCompareTarget(search);
  return (
    <>
      <PageHeader
        title="Compare models"
        subtitle={target ? `${target.ids.length} ${target.kind === "jobs" ? "jobs' models" : "models"} side by side` : undefined}
      />
      {target ? (
        <Comparison target={target} />
      ) : (
        <Card>
          <CardContent>
            <EmptyState title="Pick two or more models to compare" icon={<ArrowRightLeft className="size-8" aria-hidden />}>
              Tick them on the{" "}
              <Link to="/models" className="text-accent hover:underline">
                Models
              </Link>{" "}
              page and press Compare, or keep a trial from a job&apos;s leaderboard and compare it with the job&apos;s model.
            </EmptyState>
          </CardContent>
        </Card>
      )}
    </>
  );
}
