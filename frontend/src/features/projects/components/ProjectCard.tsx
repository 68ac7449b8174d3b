import { Trash2 } from "lucide-react";
import { Link } from "react-router";
import type { Project } from "../../../api/types";
import { Card, CardAction, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { useDeleteProject } from "../../../api/hooks/projects";
import { managesProject } from "../../../lib/projectRoles";
import { ProjectMembers } from "./ProjectMembers";

const ROLE_WORDS: Record<string, string> = {
  owner: "You own it",
  editor: "You are an editor",
  viewer: "You are a viewer",
  admin: "You are an admin (not a member)",
};

/** One project: what is in it (links to the filtered lists), who is in it, and delete for its owners. */
export function ProjectCard({ project }: { project: Project }) {
  const remove = useDeleteProject();
  const filtered = (page: string) => `/${page}?project=${encodeURIComponent(project.id)}`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{project.name}</CardTitle>
        <CardAction>{managesProject(project) && (
          <ConfirmAction
            label="Delete"
            hiddenLabel={`project ${project.name}`}
            icon={<Trash2 aria-hidden />}
            variant="outline"
            size="sm"
            title={`Delete project “${project.name}”?`}
            description="Nothing in it is deleted: its datasets, jobs and models go back to their owners' private space, and the other members no longer see them."
            confirmLabel="Delete project"
            dismissLabel="Keep it"
            pending={remove.isPending}
            onConfirm={() => remove.mutate(project)}
          />
        )}</CardAction>
      </CardHeader>
      <CardContent>
        <div className="space-y-4">
          {project.description && <p className="text-sm whitespace-pre-wrap">{project.description}</p>}
          <p className="text-sm text-muted">{ROLE_WORDS[project.my_role] ?? project.my_role}.</p>
          <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <span>
              {project.counts.datasets} dataset{project.counts.datasets === 1 ? "" : "s"}
            </span>
            <Link to={filtered("jobs")} className="text-accent hover:underline">
              {project.counts.jobs} job{project.counts.jobs === 1 ? "" : "s"}
            </Link>
            <Link to={filtered("models")} className="text-accent hover:underline">
              {project.counts.models} model{project.counts.models === 1 ? "" : "s"}
            </Link>
          </p>
          <ProjectMembers project={project} />
        </div>
      </CardContent>
    </Card>
  );
}
