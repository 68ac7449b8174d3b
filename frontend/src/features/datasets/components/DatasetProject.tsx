import type { Dataset } from "../../../api/types";
import { useProjects } from "../../../api/hooks/projects";
import { useDatasetAccess, useMoveDataset } from "../../../api/hooks/items";
import { MoveToProject } from "../../../components/MoveToProject";

/** Where an uploaded dataset lives: private or a shared project. Its owner (or an admin: the server's `can_move`)
 * gets the menu to share it or take it back; everyone else reads where it is. Its jobs and models stay put. */
export function DatasetProject({ dataset }: { dataset: Dataset }) {
  const access = useDatasetAccess(dataset.id);
  const move = useMoveDataset(dataset.id);
  const projects = useProjects();
  if (access.data?.can_move) {
    return (
      <div className="max-w-sm">
        <MoveToProject id="dataset-project" projectId={dataset.project_id} pending={move.isPending} onMove={(next) => move.mutate(next)} />
        <p className="mt-1 text-xs text-muted">Members of a project see its datasets; jobs and models already trained keep their own place.</p>
      </div>
    );
  }
  const project = dataset.project_id ? projects.data?.find((item) => item.id === dataset.project_id) : undefined;
  if (!project) return null;
  return <p className="text-xs text-muted">Shared in project “{project.name}”.</p>;
}
