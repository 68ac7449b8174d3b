// Words for the project roles; what each may do is the server's rule (services/access.py), described here only.
import type { Project, ProjectRole } from "../api/types";

export const PROJECT_ROLES: { value: ProjectRole; label: string; description: string }[] = [
  { value: "viewer", label: "Viewer", description: "sees the project's data, jobs and models and predicts" },
  { value: "editor", label: "Editor", description: "also uploads, trains, renames and tags" },
  { value: "owner", label: "Owner", description: "also manages members and deletes the project" },
];

/** Whether the signed-in user manages this project (the server's `my_role`: an owner, or an admin). */
export function managesProject(project: Pick<Project, "my_role">): boolean {
  return project.my_role === "owner" || project.my_role === "admin";
}

/** The projects new work may go into: where the user is editor or owner (admins everywhere). */
export function projectsForWork<T extends Pick<Project, "my_role">>(projects: readonly T[]): T[] {
  return projects.filter((item) => item.my_role !== "viewer");
}
