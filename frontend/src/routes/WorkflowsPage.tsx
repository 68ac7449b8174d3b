import { Workflow } from "lucide-react";
import { useWorkflows } from "../api/hooks/workflows";
import { PageHeader } from "../components/PageHeader";
import { QueryView } from "../components/QueryView";
import { EmptyState } from "../components/States";
import { Card, CardContent, CardHeader, CardTitle } from "../components/ui/card";
import { CreateWorkflowForm } from "../features/workflows/components/CreateWorkflowForm";
import { WorkflowList } from "../features/workflows/components/WorkflowList";

export function WorkflowsPage() {
  const workflows = useWorkflows();
  return (
    <>
      <PageHeader title="Workflows" subtitle="Pipelines built by connecting nodes: dataset, split, preprocessing, models, evaluation." />
      <div className="grid gap-6 lg:grid-cols-[22rem_minmax(0,1fr)]">
        <Card className="self-start">
          <CardHeader>
            <CardTitle>New workflow</CardTitle>
          </CardHeader>
          <CardContent>
            <CreateWorkflowForm />
          </CardContent>
        </Card>
        <Card className="min-w-0">
          <CardContent className="overflow-x-auto">
            <QueryView query={workflows} loadingLabel="Loading workflows…">
              {(items) =>
                items.length === 0 ? (
                  <EmptyState title="No workflows yet" icon={<Workflow className="size-8" aria-hidden />}>
                    Create one from a template or start from an empty canvas.
                  </EmptyState>
                ) : (
                  <WorkflowList items={items} />
                )
              }
            </QueryView>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
