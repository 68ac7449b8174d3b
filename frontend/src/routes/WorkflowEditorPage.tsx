import { ReactFlowProvider } from "@xyflow/react";
import { ArrowLeft } from "lucide-react";
import { Link, useParams } from "react-router";
import { useNodeCatalogue, useWorkflow } from "../api/hooks/workflows";
import { PageHeader } from "../components/PageHeader";
import { ErrorBanner, Loading } from "../components/States";
import { Button } from "../components/ui/button";
import { WorkflowEditor } from "../features/workflows/components/WorkflowEditor";
import { useWorkflowRunSocket } from "./WorkflowRunSocket";

export function WorkflowEditorPage() {
  const { id = "" } = useParams();
  const workflow = useWorkflow(id);
  const catalogue = useNodeCatalogue();
  const failed = workflow.error ?? catalogue.error;
  return (
    <>
      <PageHeader
        title={workflow.data?.name ?? "Workflow"}
        subtitle="Build a pipeline by connecting nodes; it saves as you go. Validate to see what stops it from running, Run to run it on the server."
        actions={
          <Button asChild variant="ghost" size="sm">
            <Link to="/workflows">
              <ArrowLeft aria-hidden /> All workflows
            </Link>
          </Button>
        }
      />
      {failed ? (
        <ErrorBanner message={failed.message} />
      ) : workflow.data && catalogue.data ? (
        // One provider per workflow: its viewport and state start fresh when another one opens.
        <ReactFlowProvider key={workflow.data.id}>
          <WorkflowEditor workflow={workflow.data} catalogue={catalogue.data} useRunSocket={useWorkflowRunSocket} />
        </ReactFlowProvider>
      ) : (
        <Loading label="Loading the workflow…" />
      )}
    </>
  );
}
