import { Save } from "lucide-react";
import { type KeyboardEvent, useState } from "react";
import type { HistoryEdit, ItemAccess } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "../../../components/ui/card";
import { useProjects } from "../../../api/hooks/projects";
import { addTags, removeTag, sameTags } from "../tags";
import { MoveToProject } from "../../../components/MoveToProject";
import { TagList } from "../../../components/TagList";

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
      <Card>
        <CardHeader>
          <CardTitle>Notes and tags</CardTitle>
        </CardHeader>
        <CardContent>
          <div className="space-y-2 text-sm">
            {notes ? <p className="whitespace-pre-wrap">{notes}</p> : <p className="text-muted">No notes.</p>}
            <TagList tags={tags} />
            {project && <p className="text-xs text-muted">Shared in project “{project.name}”.</p>}
            {access?.reason && <p className="text-xs text-muted">{access.reason}</p>}
          </div>
        </CardContent>
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
    <Card>
      <CardHeader>
        <CardTitle>Notes and tags</CardTitle>
      </CardHeader>
      <CardContent>
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
          <Button variant="secondary" onClick={save} disabled={!changed || pending}>
            <Save className="size-4" aria-hidden />
            {pending ? "Saving…" : "Save notes and tags"}
          </Button>
          {access?.can_move && (
            <MoveToProject id={`${kind}-project`} projectId={projectId} pending={pending} onMove={(next) => void onSave({ project_id: next }).catch(() => undefined)} />
          )}
        </div>
      </CardContent>
    </Card>
  );
}
