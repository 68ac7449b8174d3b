import { useProjects } from "../api/hooks/projects";
import { projectsForWork } from "../lib/projectRoles";

interface MoveToProjectProps {
  id: string;
  /** The item's project; null when private. */
  projectId: string | null | undefined;
  pending: boolean;
  onMove: (projectId: string | null) => void;
}

/** The item's project, and for its owner (or an admin) a menu to move it: Private or a project they may add to. */
export function MoveToProject({ id, projectId, pending, onMove }: MoveToProjectProps) {
  const projects = useProjects();
  const current = projects.data?.find((item) => item.id === projectId);
  const choices = projectsForWork(projects.data ?? []);
  // The current project stays listed even where the owner is only a viewer now, so the menu shows the truth.
  const listed = current && !choices.includes(current) ? [current, ...choices] : choices;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        Project
      </label>
      <select
        id={id}
        className="input"
        value={projectId ?? ""}
        disabled={pending}
        onChange={(event) => onMove(event.target.value || null)}
      >
        <option value="">Private (only you and admins)</option>
        {listed.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </select>
    </div>
  );
}
