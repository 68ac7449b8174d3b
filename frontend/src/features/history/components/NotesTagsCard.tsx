import { Save } from "lucide-react";
import { type KeyboardEvent, useState } from "react";
import type { HistoryEdit, ItemAccess } from "../../../api/types";
import { Button } from "../../../components/Button";
import { Card } from "../../../components/Card";
import { useProjects } from "../../projects/api";
import { addTags, removeTag, sameTags } from "../tags";
import { MoveToProject } from "./MoveToProject";
import { TagList } from "./TagList";

interface NotesTagsCardProps {
  kind: string;
  notes: string;
  tags: readonly string[];
  /** The item's project (null: private); its owner may move it. */
  projectId?: string | null;
  access: ItemAccess | undefined;
  pending: boolean;
  onSave: (change: HistoryEdit) => Promise<unknown>;
}

/** The analyst's own notes and tags on a job or a model; read-only (with the reason) for a project viewer. */
export function NotesTagsCard({ kind, notes, tags, projectId, access, pending, onSave }: NotesTagsCardProps) {
  const [draftNotes, setDraftNotes] = useState(notes);
  const [draftTags, setDraftTags] = useState<string[]>([...tags]);
  const [typed, setTyped] = useState("");
  const canEdit = access?.can_change ?? false;
  const projects = useProjects();
  const project = projectId ? projects.data?.find((item) => item.id === projectId) : undefined;
  const pendingTags = addTags(draftTags, typed);
  const changed = draftNotes.trim() !== notes || !sameTags(pendingTags, tags);

  if (!canEdit) {
    return (
      <Card title="Notes and tags">
        <div className="space-y-2 text-sm">
          {notes ? <p className="whitespace-pre-wrap">{notes}</p> : <p className="text-muted">No notes.</p>}
          <TagList tags={tags} />
          {project && <p className="text-xs text-muted">Shared in project “{project.name}”.</p>}
          {access?.reason && <p className="text-xs text-muted">{access.reason}</p>}
        </div>
      </Card>
    );
  }

  const commitTyped = () => {
    setDraftTags(pendingTags);
    setTyped("");
  };
  const onTagKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      commitTyped();
    }
  };
  const save = () => {
    commitTyped();
    void onSave({ notes: draftNotes, tags: pendingTags }).then(
      (saved) => {
        const next = saved as { notes?: string; tags?: string[] };
        // The server trims and deduplicates: show what it kept.
        if (next.notes !== undefined) setDraftNotes(next.notes);
        if (next.tags) setDraftTags(next.tags);
      },
      () => undefined,
    );
  };
  return (
    <Card title="Notes and tags">
      <div className="space-y-3">
        <label className="block space-y-1.5">
          <span className="block text-sm font-medium">Notes</span>
          <textarea
            className="input min-h-24"
            value={draftNotes}
            maxLength={5000}
            placeholder={`What is this ${kind} for, what did you learn from it?`}
            onChange={(event) => setDraftNotes(event.target.value)}
          />
        </label>
        <div className="space-y-1.5">
          <label htmlFor={`${kind}-tag-input`} className="block text-sm font-medium">
            Tags
          </label>
          <TagList tags={draftTags} onRemove={(tag) => setDraftTags((current) => removeTag(current, tag))} />
          <input
            id={`${kind}-tag-input`}
            className="input"
            value={typed}
            placeholder="Add a tag, then Enter (commas separate several)"
            onChange={(event) => setTyped(event.target.value)}
            onKeyDown={onTagKey}
          />
        </div>
        <Button variant="secondary" icon={<Save className="size-4" aria-hidden />} onClick={save} disabled={!changed || pending}>
          {pending ? "Saving…" : "Save notes and tags"}
        </Button>
        {access?.can_move && (
          <MoveToProject id={`${kind}-project`} projectId={projectId} pending={pending} onMove={(next) => void onSave({ project_id: next }).catch(() => undefined)} />
        )}
      </div>
    </Card>
  );
}
