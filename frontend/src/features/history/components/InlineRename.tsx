import { Check, Pencil, X } from "lucide-react";
import { type KeyboardEvent, useState } from "react";

interface InlineRenameProps {
  /** What the title shows (the saved name, or a default made from the item). */
  title: string;
  /** The value the input starts with: the saved name, or the shown default when there is none. */
  name: string;
  /** "job" or "model", for the buttons' names. */
  kind: string;
  /** False for a project viewer: the title only. */
  canEdit: boolean;
  pending: boolean;
  onSave: (name: string) => Promise<unknown>;
}

/** The page title with a pencil button: the title becomes a text box; Enter saves, Esc cancels. */
export function InlineRename({ title, name, kind, canEdit, pending, onSave }: InlineRenameProps) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <span className="inline-flex max-w-full items-center gap-2">
        <span className="truncate">{title}</span>
        {canEdit && (
          <button
            type="button"
            className="shrink-0 rounded-md p-1 text-muted hover:bg-raised hover:text-fg"
            aria-label={`Rename ${kind}`}
            title={`Rename ${kind}`}
            onClick={() => setDraft(name)}
          >
            <Pencil className="size-4" aria-hidden />
          </button>
        )}
      </span>
    );
  }
  const save = () => {
    if (!draft.trim() || draft.trim() === name) {
      setDraft(null);
      return;
    }
    // Closed only once saved: a refused name (too long, say) stays in the box to fix, with the server's message.
    void onSave(draft.trim()).then(() => setDraft(null), () => undefined);
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      event.preventDefault();
      setDraft(null);
    }
  };
  return (
    <span className="inline-flex w-full max-w-xl items-center gap-2">
      <input
        className="input text-lg font-semibold"
        aria-label={`New ${kind} name`}
        // The box replaces the title the user just asked to edit; focus follows their action.
        autoFocus
        maxLength={255}
        value={draft}
        disabled={pending}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKey}
      />
      <button type="button" className="rounded-md p-1.5 text-muted hover:bg-raised hover:text-fg" aria-label="Save name" onClick={save} disabled={pending}>
        <Check className="size-4" aria-hidden />
      </button>
      <button type="button" className="rounded-md p-1.5 text-muted hover:bg-raised hover:text-fg" aria-label="Cancel renaming" onClick={() => setDraft(null)}>
        <X className="size-4" aria-hidden />
      </button>
    </span>
  );
}
