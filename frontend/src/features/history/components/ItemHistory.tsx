// The history controls of a job page and a model page: the renameable title, the notes-and-tags card and the
// clone link. Whether to offer editing is the server's answer (`/access`), never a rule copied here.
import { Copy } from "lucide-react";
import { Link } from "react-router";
import type { Job, Model } from "../../../api/types";
import { buttonVariants } from "../../../components/ui/button";
import { taskTitle } from "../../../lib/problemType";
import { useEditJob, useEditModel, useJobAccess, useModelAccess } from "../../../api/hooks/items";
import { InlineRename } from "./InlineRename";
import { NotesTagsCard } from "./NotesTagsCard";

export function jobTitle(job: Pick<Job, "name" | "target_column" | "problem_type">): string {
  return job.name || taskTitle(job.target_column, job.problem_type);
}

/** The server's display name: the analyst's name when set, else a friendly default from algorithm and target. */
export function modelTitle(model: Pick<Model, "name" | "display_name">): string {
  return model.name || model.display_name;
}

export function JobTitle({ job }: { job: Job }) {
  const access = useJobAccess(job.id);
  const edit = useEditJob(job.id);
  return (
    <InlineRename
      title={jobTitle(job)}
      name={jobTitle(job)}
      kind="job"
      canEdit={access.data?.can_change ?? false}
      pending={edit.isPending}
      onSave={(name) => edit.mutateAsync({ name })}
    />
  );
}

export function ModelTitle({ model }: { model: Model }) {
  const access = useModelAccess(model.id);
  const edit = useEditModel(model.id);
  return (
    <InlineRename
      title={modelTitle(model)}
      name={modelTitle(model)}
      kind="model"
      canEdit={access.data?.can_change ?? false}
      pending={edit.isPending}
      onSave={(name) => edit.mutateAsync({ name })}
    />
  );
}

export function JobNotes({ job }: { job: Job }) {
  const access = useJobAccess(job.id);
  const edit = useEditJob(job.id);
  return (
    <NotesTagsCard
      key={job.id}
      kind="job"
      notes={job.notes ?? ""}
      tags={job.tags ?? []}
      projectId={job.project_id}
      access={access.data}
      pending={edit.isPending}
      onSave={(change) => edit.mutateAsync(change)}
    />
  );
}

export function ModelNotes({ model }: { model: Model }) {
  const access = useModelAccess(model.id);
  const edit = useEditModel(model.id);
  return (
    <NotesTagsCard
      key={model.id}
      kind="model"
      notes={model.notes ?? ""}
      tags={model.tags ?? []}
      projectId={model.project_id}
      access={access.data}
      pending={edit.isPending}
      onSave={(change) => edit.mutateAsync(change)}
    />
  );
}

/** Opens the Train form filled in from this job, to change the budget or algorithms and train again. Not offered
 * to a project viewer, who may not train on the project's data. */
export function CloneJobLink({ jobId }: { jobId: string }) {
  const access = useJobAccess(jobId);
  if (!access.data?.can_change) return null;
  return (
    <Link to={`/train?clone=${encodeURIComponent(jobId)}`} className={buttonVariants({ variant: "secondary" })}>
      <Copy className="size-4" aria-hidden />
      Clone job
    </Link>
  );
}
