import { Link } from "react-router";
import { useProjects } from "../api/hooks/projects";
import { projectsForWork } from "../lib/projectRoles";

interface ProjectPickerProps {
  id: string;
  /** "" for private. */
  value: string;
  onChange: (projectId: string) => void;
  /** Set when the choice is made already (a job on a project's dataset goes into that project). */
  lockedTo?: string | null;
}

/** Where new work goes: Private (the default), or a project where the user is editor or owner. */
export function ProjectPicker({ id, value, onChange, lockedTo }: ProjectPickerProps) {
  const projects = useProjects();
  const choices = projectsForWork(projects.data ?? []);
  const locked = lockedTo ? projects.data?.find((item) => item.id === lockedTo) : undefined;
  if (lockedTo) {
    return (
      <div className="space-y-1.5">
        <span className="block text-sm font-medium">Project</span>
        <p className="text-sm">
          {locked ? `“${locked.name}”` : "The dataset's project"}
          <span className="block text-xs text-muted">The dataset is in this project, so the job and its model go there too.</span>
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium">
        Project
      </label>
      <select id={id} className="input" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Private (only you and admins)</option>
        {choices.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </select>
      <p className="text-xs text-muted">
        Members of a project see what is in it.{" "}
        {choices.length === 0 && (
          <Link to="/projects" className="text-accent hover:underline">
            Create a project
          </Link>
        )}
      </p>
    </div>
  );
}
